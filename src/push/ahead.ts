/**
 * Compressing ahead, from the push's side (plan/compress-ahead.ts): read back the configs of the
 * images the tags name and choose the layers whose content they have.
 */
import { imagesIfReadable, type StoredImage } from '../ecr/images.js';
import { readStoredBlob } from '../ecr/download.js';
import type { Transport } from '../ecr/transport.js';
import type { BlobStore } from '../image/types.js';
import type { CompressedRef, CompressionCache } from '../plan/cache.js';
import { aheadOfSending, worthCompressingAhead, type AheadOfSending } from '../plan/compress-ahead.js';
import type { PushPlan } from '../plan/plan.js';
import type { Platform } from '../image/types.js';
import { storedChildFor, storedLayersByDiffId, storedManifest, type StoredManifest } from '../plan/stored-layers.js';
import { openForSend } from './send-blobs.js';

/** The most bytes an image config read back from ECR may have. */
const STORED_CONFIG_LIMIT = 8 * 1024 * 1024;
/** The most images under the tags whose configs are read back. */
const STORED_IMAGES_READ = 4;

/** The image manifest to learn from: `image` itself, or the manifest it lists for `platform` when it is an index. */
async function manifestOf(t: Transport, image: StoredImage, platform: Platform | undefined): Promise<StoredManifest | undefined> {
  const own = storedManifest(image.manifest);
  if (own) return own;
  const child = storedChildFor(image.manifest, platform);
  const [stored] = child === undefined ? [] : await imagesIfReadable(t, [{ imageDigest: child }]);
  return stored && storedManifest(stored.manifest);
}

/** The layers of one stored image by uncompressed digest (its config read back); empty when it cannot be read. */
async function layersOf(t: Transport, image: StoredImage, platform: Platform | undefined): Promise<Map<string, CompressedRef>> {
  const manifest = await manifestOf(t, image, platform);
  const config = manifest && await readStoredBlob(t, manifest.config, STORED_CONFIG_LIMIT);
  return manifest && config ? storedLayersByDiffId(manifest.layers, config) : new Map();
}

/** Uncompressed digest → stored layer, for the layers of `images` (read side by side). */
async function storedContent(t: Transport, images: readonly StoredImage[], platform: Platform | undefined): Promise<Map<string, CompressedRef>> {
  const distinct = [...new Map(images.map((image) => [image.digest, image])).values()].slice(0, STORED_IMAGES_READ);
  const stored = new Map<string, CompressedRef>();
  for (const layers of await Promise.all(distinct.map((image) => layersOf(t, image, platform)))) {
    for (const [diffId, layer] of layers) if (!stored.has(diffId)) stored.set(diffId, layer);
  }
  return stored;
}

/**
 * Compressing ahead (plan/compress-ahead.ts), for a push with gzip layers the cache does not know
 * (the caller asks only then) when the repository has `images` (those the tags name, and
 * `--layers-from`): the layers whose content such an image has, to be compressed first. `cache`
 * is the compression cache itself, where what they compress to is recorded (and saved).
 */
export async function aheadOfStored(
  t: Transport, plan: PushPlan, blobs: BlobStore, trusted: CompressionCache, cache: CompressionCache, images: readonly StoredImage[],
): Promise<AheadOfSending | undefined> {
  if (images.length === 0) return undefined;
  const stored = await storedContent(t, images, plan.root.kind === 'manifest' ? plan.root.platform : undefined);
  const layers = worthCompressingAhead(plan, trusted, stored);
  if (layers.length === 0) return undefined;
  t.onEvent({ type: 'info', message: `compressing ${layers.length} layer(s) first, to see whether ECR has them: an image in the repository has layers of the same content` });
  return aheadOfSending(layers, stored, (blob) => openForSend(blobs, blob), cache, (blob) => {
    t.onEvent({ type: 'info', message: `layer ${blob.source.digest} gzips to another digest than the layer of the same content in the repository (another encoder or level made it); the other layers are compressed as they are sent` });
  });
}
