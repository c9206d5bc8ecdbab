/**
 * Build ImageNodes (manifests and indexes) from descriptors, reading each manifest, index and
 * config through the verified BlobStore.
 */
import { InputError } from '../errors.js';
import { isDigest } from './digest.js';
import { isObject, parseDescriptor, parsePlatform, type Json } from './descriptor.js';
import { isImageConfigType, isIndexType, OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { parseJson } from './tree.js';
import type { BlobStore, Descriptor, ImageNode, IndexNode, ManifestNode, Platform } from './types.js';

/** What a reader knows about the config of a manifest. */
export interface ConfigFacts {
  diffIds: string[];
  platform?: Platform;
}

/** Read `rootfs.diff_ids` and the platform from config bytes; empty facts for non-image configs. */
export function configFacts(bytes: Buffer, where: string): ConfigFacts {
  const json = parseJson(bytes, where);
  if (!isObject(json)) throw new InputError(`${where}: config is not a JSON object`);
  const rootfs = isObject(json.rootfs) ? json.rootfs : {};
  const raw = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids : [];
  const diffIds = raw.map((d, i) => {
    if (!isDigest(d)) {
      throw new InputError(`${where}: rootfs.diff_ids[${i}] is not a valid digest`);
    }
    return d;
  });
  const platform = parsePlatform(json);
  return platform ? { diffIds, platform } : { diffIds };
}

/**
 * Load the node `desc` points at. `label` names the source in messages; `trail` holds the digests
 * of the indexes above this node, so a cycle is reported instead of followed.
 */
export async function loadNode(desc: Descriptor, blobs: BlobStore, label: string, trail: string[] = []): Promise<ImageNode> {
  if (trail.includes(desc.digest)) throw new InputError(`${label}: index ${desc.digest} contains itself`);
  const bytes = await blobs.read(desc);
  const where = `${label}: manifest ${desc.digest}`;
  const json = parseJson(bytes, where);
  if (!isObject(json)) throw new InputError(`${where} is not a JSON object`);
  const stated = typeof json.mediaType === 'string' && json.mediaType !== '' ? json.mediaType : desc.mediaType;
  const isIndex = isIndexType(stated) || (json.manifests !== undefined && json.layers === undefined);
  // Neither the manifest nor its descriptor names a type: the OCI one its shape says it is.
  const descriptor: Descriptor = { ...desc, mediaType: stated || (isIndex ? OCI_INDEX : OCI_MANIFEST) };
  if (isIndex) return loadIndex(descriptor, bytes, json, blobs, label, [...trail, desc.digest]);
  return loadManifest(descriptor, bytes, json, blobs, where);
}

async function loadIndex(descriptor: Descriptor, bytes: Buffer, json: Json, blobs: BlobStore, label: string, trail: string[]): Promise<IndexNode> {
  const where = `${label}: index ${descriptor.digest}`;
  const raw = json.manifests ?? [];
  if (!Array.isArray(raw)) throw new InputError(`${where}: "manifests" is not an array`);
  const node: IndexNode = { kind: 'index', descriptor, bytes, children: [], absent: [] };
  for (const [i, m] of raw.entries()) {
    const child = parseDescriptor(m, `${where} manifests[${i}]`);
    if (blobs.has(child.digest)) node.children.push(await loadNode(child, blobs, label, trail));
    else node.absent.push(child);
  }
  return node;
}

async function loadManifest(descriptor: Descriptor, bytes: Buffer, json: Json, blobs: BlobStore, where: string): Promise<ManifestNode> {
  if (json.schemaVersion === 1) throw new InputError(`${where}: Docker schema 1 manifests are not supported`);
  const config = parseDescriptor(json.config, `${where} config`);
  if (!Array.isArray(json.layers ?? [])) throw new InputError(`${where}: "layers" is not an array`);
  const layers = ((json.layers as unknown[] | undefined) ?? []).map((l, i) => parseDescriptor(l, `${where} layers[${i}]`));
  const missing = [config, ...layers].filter((d) => !d.urls?.length && !blobs.has(d.digest)).map((d) => d.digest);
  let facts: ConfigFacts = { diffIds: [] };
  if (isImageConfigType(config.mediaType) && blobs.has(config.digest)) {
    facts = configFacts(await blobs.read(config), `${where} config ${config.digest}`);
  }
  return manifestNode({ descriptor, bytes, synthesized: false, config, layers, missing: [...new Set(missing)] }, facts);
}

/** Assemble a ManifestNode; the descriptor's platform wins over the config's. */
export function manifestNode(
  base: Omit<ManifestNode, 'kind' | 'diffIds' | 'platform'>,
  facts: ConfigFacts,
): ManifestNode {
  const platform = base.descriptor.platform ?? facts.platform;
  return { kind: 'manifest', ...base, diffIds: facts.diffIds, ...(platform ? { platform } : {}) };
}
