/**
 * What the image a tag names in ECR says of this push's gzip layers, on a runner whose
 * compression cache does not know them.
 *
 * - storedLayerGuess: that image may be this very one, pushed by ecr-push before. When it has
 *   the root's config and as many layers, its layer digests and sizes are taken by position for
 *   the layers still to be gzipped. The guess counts only when the manifest rendered from it is
 *   byte for byte the one ECR holds (push.ts): then the tag already names this image and nothing
 *   is sent. Nothing is uploaded or put on its word, and it never enters the compression cache.
 * - storedLayersByDiffId: another image (an earlier build) whose config lists, for each layer,
 *   the digest of its uncompressed content: the layers of this push with such content are worth
 *   compressing before anything is sent, to see whether ECR has them (compress-ahead.ts). When
 *   that image is an index, storedChildFor picks its manifest for the push's platform.
 */
import { isObject, parsePlatform } from '../image/descriptor.js';
import type { Platform } from '../image/types.js';
import type { CompressedRef } from './cache.js';
import type { PushPlan } from './plan.js';
import { mayRenderAs } from './render.js';

/** The JSON object `text` holds; undefined for anything else. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const doc: unknown = JSON.parse(text);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** What a stored image manifest names: its config digest and its layers, in order. */
export interface StoredManifest {
  config: string;
  layers: CompressedRef[];
}

/** The config digest and the layers of a stored image manifest; undefined for an index or anything else. */
export function storedManifest(manifest: string): StoredManifest | undefined {
  const doc = jsonObject(manifest);
  if (!doc || !isObject(doc.config) || typeof doc.config.digest !== 'string' || !Array.isArray(doc.layers)) return undefined;
  const layers = doc.layers.map((l: unknown) => (isObject(l) && typeof l.digest === 'string' && typeof l.size === 'number' ? { digest: l.digest, size: l.size } : undefined));
  return layers.every((l) => l !== undefined) ? { config: doc.config.digest, layers: layers as CompressedRef[] } : undefined;
}

/** Source digest → the stored layer at its position; undefined when the stored image is another. */
export function storedLayerGuess(plan: PushPlan, manifest: string): Map<string, CompressedRef> | undefined {
  const root = plan.root;
  if (root.kind !== 'manifest' || !mayRenderAs(root, manifest)) return undefined;
  const layers = storedManifest(manifest)?.layers;
  if (!layers || layers.length !== root.layers.length) return undefined;
  const gzipped = new Set(plan.blobs.filter((b) => b.encoding === 'gzip').map((b) => b.source.digest));
  const guess = new Map<string, CompressedRef>();
  root.layers.forEach((layer, i) => {
    if (gzipped.has(layer.digest) && !guess.has(layer.digest)) guess.set(layer.digest, layers[i] as CompressedRef);
  });
  return guess.size > 0 ? guess : undefined;
}

/**
 * Uncompressed digest (diff_id) → the stored layer, from a stored manifest's layers and the bytes
 * of its config: the config's `rootfs.diff_ids` name the layers' content in the manifest's order.
 * Empty when the two do not fit together.
 */
export function storedLayersByDiffId(layers: readonly CompressedRef[], config: Buffer): Map<string, CompressedRef> {
  const doc = jsonObject(config.toString('utf8'));
  const diffIds = doc && isObject(doc.rootfs) ? doc.rootfs.diff_ids : undefined;
  if (!Array.isArray(diffIds) || diffIds.length !== layers.length) return new Map();
  return new Map(diffIds.flatMap((d: unknown, i) => (typeof d === 'string' ? [[d, layers[i] as CompressedRef] as const] : [])));
}

/**
 * The digest of the manifest a stored index lists for `platform` (same os and architecture, and
 * the same variant when both name one); undefined for a manifest, or when none is listed.
 */
export function storedChildFor(index: string, platform: Platform | undefined): string | undefined {
  const doc = platform && jsonObject(index);
  if (!platform || !doc || !Array.isArray(doc.manifests)) return undefined;
  for (const entry of doc.manifests as unknown[]) {
    if (!isObject(entry) || typeof entry.digest !== 'string') continue;
    const p = parsePlatform(entry.platform);
    if (p && p.os === platform.os && p.architecture === platform.architecture
      && (p.variant === undefined || platform.variant === undefined || p.variant === platform.variant)) return entry.digest;
  }
  return undefined;
}
