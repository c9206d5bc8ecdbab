/**
 * `docker save` archives without an OCI manifest (Docker 1.10 to 24, skopeo's docker-archive, and
 * Docker 25.0.0-25.0.2 saves by id whose index.json lists nothing): the reader builds a Docker v2
 * schema 2 manifest from manifest.json and the config.
 *
 * The built manifest is serialised as `JSON.stringify(m, null, 3)` with the key order
 * schemaVersion, mediaType, config, layers and, in each descriptor, mediaType, size, digest —
 * the layout Docker's registry client writes — so the same archive always gives the same digest.
 */
import { InputError } from '../errors.js';
import { digestOfBlobPath } from './digest.js';
import { sha256 } from './hashing.js';
import type { DockerSaveEntry } from './docker-manifest-json.js';
import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LAYER_GZIP, DOCKER_MANIFEST } from './media-types.js';
import { configFacts, manifestNode } from './nodes.js';
import { collect, readSmall, type FileTree } from './tree.js';
import type { Descriptor, ManifestNode, SourceImage } from './types.js';

/** Records where the blobs of built manifests live, for the archive's BlobLocator. */
export type BlobPaths = Map<string, string>;

/** The config digest an entry names, from its `blobs/<alg>/<hex>` or `<hex>.json` path. */
export function configDigestOfPath(path: string): string | undefined {
  const m = /^([a-f0-9]{64})\.json$/.exec(path);
  return m ? `sha256:${m[1]}` : digestOfBlobPath(path);
}

async function layerMediaType(tree: FileTree, path: string, digest: string, diffId: string, sources: Record<string, unknown>): Promise<string> {
  const source = sources[digest];
  if (source && typeof source === 'object' && typeof (source as { mediaType?: unknown }).mediaType === 'string') {
    return (source as { mediaType: string }).mediaType;
  }
  if (digest === diffId) return DOCKER_LAYER;
  const head = await collect(tree.stream(path, 0, 2));
  return head[0] === 0x1f && head[1] === 0x8b ? DOCKER_LAYER_GZIP : DOCKER_LAYER;
}

/** Build the manifest node of one manifest.json entry, recording blob locations in `paths`. */
export async function synthesizeManifest(tree: FileTree, entry: DockerSaveEntry, paths: BlobPaths, where: string): Promise<ManifestNode> {
  const configBytes = await readSmall(tree, entry.config);
  const configDigest = sha256(configBytes);
  const named = configDigestOfPath(entry.config);
  if (named !== undefined && named !== configDigest) {
    throw new InputError(`${where}: config ${entry.config} does not match its digest (content hashes to ${configDigest})`, { problem: 'damaged' });
  }
  const facts = configFacts(configBytes, `${where}: config ${entry.config}`);
  if (facts.diffIds.length !== entry.layers.length) {
    throw new InputError(`${where}: ${entry.layers.length} layers listed but the config has ${facts.diffIds.length} diff_ids`);
  }
  paths.set(configDigest, entry.config);
  const config: Descriptor = { mediaType: DOCKER_CONFIG, size: configBytes.length, digest: configDigest };
  const layers: Descriptor[] = [];
  for (const [i, path] of entry.layers.entries()) {
    const size = tree.size(path);
    if (size === undefined) throw new InputError(`${where}: layer ${path} is missing from the archive`);
    const diffId = facts.diffIds[i]!;
    const digest = digestOfBlobPath(path) ?? diffId;
    paths.set(digest, path);
    layers.push({ mediaType: await layerMediaType(tree, path, digest, diffId, entry.layerSources), size, digest });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const descriptor: Descriptor = { mediaType: DOCKER_MANIFEST, digest: sha256(bytes), size: bytes.length };
  return manifestNode({ descriptor, bytes, synthesized: true, config, layers, missing: [] }, facts);
}

/** One SourceImage per manifest.json entry. */
export async function readLegacyImages(tree: FileTree, entries: DockerSaveEntry[], paths: BlobPaths): Promise<SourceImage[]> {
  const images: SourceImage[] = [];
  for (const [i, entry] of entries.entries()) {
    const root = await synthesizeManifest(tree, entry, paths, `${tree.label}: manifest.json[${i}]`);
    images.push({ position: i + 1, tags: [...entry.repoTags], root });
  }
  return images;
}
