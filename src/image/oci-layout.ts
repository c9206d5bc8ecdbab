/**
 * OCI image layout (a directory, or the same as a tar): index.json entries become SourceImages.
 * Entries that point at the same manifest are one image with several tags.
 */
import { InputError } from '../errors.js';
import { isObject, parseDescriptor } from './descriptor.js';
import { loadNode } from './nodes.js';
import { readJson, type FileTree } from './tree.js';
import type { BlobStore, Descriptor, SourceImage } from './types.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/** The descriptors listed in index.json (`"manifests": null` is read as none). */
export async function readIndexJson(tree: FileTree): Promise<Descriptor[]> {
  const json = await readJson(tree, 'index.json');
  if (!isObject(json)) throw new InputError(`${tree.label}: index.json is not a JSON object`);
  const raw = json.manifests ?? [];
  if (!Array.isArray(raw)) throw new InputError(`${tree.label}: index.json "manifests" is not an array`);
  return raw.map((m, i) => parseDescriptor(m, `${tree.label}: index.json manifests[${i}]`));
}

/** Names an index.json entry gives its image: the full containerd name when present, else ref.name. */
export function tagsOf(desc: Descriptor): string[] {
  const a = desc.annotations ?? {};
  const name = a[CONTAINERD_NAME] ?? a[REF_NAME];
  return typeof name === 'string' && name !== '' ? [name] : [];
}

/** One SourceImage per distinct manifest digest in index.json, in first-seen order. */
export async function readOciImages(tree: FileTree, blobs: BlobStore, entries: Descriptor[]): Promise<SourceImage[]> {
  const images: SourceImage[] = [];
  const byDigest = new Map<string, SourceImage>();
  for (const desc of entries) {
    const known = byDigest.get(desc.digest);
    if (known) {
      for (const t of tagsOf(desc)) if (!known.tags.includes(t)) known.tags.push(t);
      continue;
    }
    if (!blobs.has(desc.digest)) {
      throw new InputError(`blob ${desc.digest} listed in index.json is missing from ${tree.label}`);
    }
    const image: SourceImage = { position: images.length + 1, tags: tagsOf(desc), root: await loadNode(desc, blobs, tree.label) };
    byDigest.set(desc.digest, image);
    images.push(image);
  }
  return images;
}
