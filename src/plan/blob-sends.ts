/**
 * For each planned blob: the digest to ask ECR about (the source digest, or for a gzip layer the
 * compressed digest the cache remembers), and once known what the blob became in ECR.
 */
import type { CompressionCache } from './cache.js';
import type { PlannedBlob } from './plan.js';
import type { SentBlob } from './render.js';

/** What the blob will be in ECR, when that is known before sending (copy, or a cache hit). */
export function expectedSent(blob: PlannedBlob, cache: CompressionCache): SentBlob | undefined {
  const { digest, size, mediaType } = blob.source;
  if (blob.encoding === 'copy') return { digest, size, mediaType };
  const hit = cache.get(digest);
  return hit ? { digest: hit.digest, size: hit.size, mediaType: blob.gzipMediaType ?? mediaType } : undefined;
}

/** The sent-blob record for a blob uploaded as `digest`/`size`. */
export function sentAs(blob: PlannedBlob, digest: string, size: number): SentBlob {
  return { digest, size, mediaType: blob.encoding === 'gzip' ? (blob.gzipMediaType ?? blob.source.mediaType) : blob.source.mediaType };
}
