/**
 * `docker save` from Docker 25+ and containerd exports: an OCI layout plus manifest.json.
 * index.json defines the images; manifest.json adds RepoTags. Entries index.json does not list
 * (Docker 25.0.0-25.0.2 saved by id writes `"manifests": null`) use the stored manifest blob whose
 * config matches, else a manifest built as for legacy archives.
 *
 * Docker 25.0.0 could store a manifest's layers in another order than the config's diff_ids. Such a
 * manifest is still the image (its bytes define the digest), so it is read and pushed as stored:
 * `layers` keep the stored order and `diffIds` the config's; inspect flags the difference.
 */
import { isObject } from './descriptor.js';
import { digestOfBlobPath } from './digest.js';
import type { DockerSaveEntry } from './docker-manifest-json.js';
import { configDigestOfPath, synthesizeManifest, type BlobPaths } from './docker-legacy.js';
import { OCI_MANIFEST } from './media-types.js';
import { loadNode } from './nodes.js';
import { readOciImages } from './oci-layout.js';
import { parseJson, type FileTree } from './tree.js';
import type { BlobStore, Descriptor, ImageNode, SourceImage } from './types.js';

/** Stored manifests are small; larger blobs are layers and are not looked at. */
const MAX_MANIFEST = 1024 * 1024;

function configsOf(node: ImageNode): string[] {
  return node.kind === 'manifest' ? [node.config.digest] : node.children.flatMap(configsOf);
}

/** A blob under blobs/ that is an image manifest for `configDigest`, if the archive holds one. */
async function findStoredManifest(tree: FileTree, blobs: BlobStore, configDigest: string): Promise<Descriptor | undefined> {
  for (const dir of ['blobs/sha256', 'blobs/sha512']) {
    for (const path of tree.list(dir)) {
      const size = tree.size(path) ?? Infinity;
      const digest = digestOfBlobPath(path);
      if (!digest || size > MAX_MANIFEST) continue;
      const bytes = await blobs.read({ digest, size });
      let json: unknown;
      try {
        json = parseJson(bytes, path);
      } catch {
        continue;
      }
      if (isObject(json) && Array.isArray(json.layers) && isObject(json.config) && json.config.digest === configDigest) {
        return { mediaType: typeof json.mediaType === 'string' ? json.mediaType : OCI_MANIFEST, digest, size };
      }
    }
  }
  return undefined;
}

export async function readDockerOciImages(
  tree: FileTree,
  blobs: BlobStore,
  index: Descriptor[],
  entries: DockerSaveEntry[],
  paths: BlobPaths,
): Promise<SourceImage[]> {
  const images = await readOciImages(tree, blobs, index);
  for (const [i, entry] of entries.entries()) {
    const configDigest = configDigestOfPath(entry.config);
    let image = images.find((img) => configDigest !== undefined && configsOf(img.root).includes(configDigest));
    if (!image) {
      const stored = configDigest && (await findStoredManifest(tree, blobs, configDigest));
      const root = stored
        ? await loadNode(stored, blobs, tree.label)
        : await synthesizeManifest(tree, entry, paths, `${tree.label}: manifest.json[${i}]`);
      image = { position: images.length + 1, tags: [], root };
      images.push(image);
    }
    for (const t of entry.repoTags) if (!image.tags.includes(t)) image.tags.push(t);
  }
  return images;
}
