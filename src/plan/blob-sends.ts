/**
 * For each planned blob: the digest to ask ECR about (the source digest, or for a gzip layer the
 * compressed digest the cache remembers), and once known what the blob became in ECR.
 */
import type { BlobsInEcr } from '../ecr/check.js';
import type { CompressionCache } from './cache.js';
import type { PlannedBlob } from './plan.js';
import type { SentBlob } from './render.js';

/**
 * The cache without entries that cannot be right for this plan: a compressed digest remembered
 * for two different layers, or equal to a blob sent as it is. Distinct content never shares a
 * digest, so only an edited or damaged cache file says that; those layers are compressed again.
 */
export function consistentCache(cache: CompressionCache, blobs: readonly PlannedBlob[]): CompressionCache {
  const claims = new Map<string, number>();
  for (const b of blobs) {
    const digest = b.encoding === 'copy' ? b.source.digest : cache.get(b.source.digest)?.digest;
    if (digest !== undefined) claims.set(digest, (claims.get(digest) ?? 0) + 1);
  }
  return {
    ...cache,
    get: (digest) => {
      const hit = cache.get(digest);
      return hit && claims.get(hit.digest) === 1 ? hit : undefined;
    },
  };
}

/** What the blob will be in ECR, when that is known before sending (copy, or a cache hit). */
export function expectedSent(blob: PlannedBlob, cache: CompressionCache): SentBlob | undefined {
  const { digest, size, mediaType } = blob.source;
  if (blob.encoding === 'copy') return { digest, size, mediaType };
  const hit = cache.get(digest);
  return hit ? { digest: hit.digest, size: hit.size, mediaType: blob.gzipMediaType ?? mediaType } : undefined;
}

/**
 * What the blob already is in ECR, or undefined when it must be sent. A blob counts as there only
 * when ECR reports the expected digest at the expected size: a cached compressed digest that ECR
 * holds at another size is a wrong cache entry (edited, or restored from elsewhere), and the
 * layer is compressed and sent again instead of being trusted.
 */
export function alreadyInEcr(blob: PlannedBlob, cache: CompressionCache, inEcr: BlobsInEcr): SentBlob | undefined {
  const known = expectedSent(blob, cache);
  if (!known || !inEcr.has(known.digest)) return undefined;
  const size = inEcr.get(known.digest);
  return size === undefined || size === known.size ? known : undefined;
}

/** The sent-blob record for a blob uploaded as `digest`/`size`. */
export function sentAs(blob: PlannedBlob, digest: string, size: number): SentBlob {
  return { digest, size, mediaType: blob.encoding === 'gzip' ? (blob.gzipMediaType ?? blob.source.mediaType) : blob.source.mediaType };
}
