/**
 * A guess at what this push's gzip layers compress to, read from an image ECR already holds:
 * on a runner whose compression cache is empty, the image a tag names may be this very one,
 * pushed by ecr-push before. When that image has the root's config and as many layers, its layer
 * digests and sizes are taken by position for the layers still to be gzipped.
 *
 * The guess counts only when the manifest rendered from it is byte for byte the one ECR holds
 * (push.ts): then the tag already names this image and nothing is sent. Nothing is uploaded or
 * put on its word, and it never enters the compression cache.
 */
import { isObject } from '../image/descriptor.js';
import type { CompressedRef } from './cache.js';
import type { PushPlan } from './plan.js';
import { mayRenderAs } from './render.js';

/** Source digest → the stored layer at its position; undefined when the stored image is another. */
export function storedLayerGuess(plan: PushPlan, manifest: string): Map<string, CompressedRef> | undefined {
  const root = plan.root;
  if (root.kind !== 'manifest' || !mayRenderAs(root, manifest)) return undefined;
  let layers: unknown;
  try {
    layers = (JSON.parse(manifest) as { layers?: unknown }).layers;
  } catch {
    return undefined;
  }
  if (!Array.isArray(layers) || layers.length !== root.layers.length) return undefined;
  const gzipped = new Set(plan.blobs.filter((b) => b.encoding === 'gzip').map((b) => b.source.digest));
  const guess = new Map<string, CompressedRef>();
  root.layers.forEach((layer, i) => {
    const stored: unknown = layers[i];
    if (!gzipped.has(layer.digest) || guess.has(layer.digest) || !isObject(stored)) return;
    if (typeof stored.digest === 'string' && typeof stored.size === 'number') guess.set(layer.digest, { digest: stored.digest, size: stored.size });
  });
  return guess.size > 0 ? guess : undefined;
}
