/**
 * For each planned blob: the digest to ask ECR about (the source digest, or for a gzip layer the
 * compressed digest the cache remembers), and once known what the blob became in ECR.
 */
import type { BlobsInEcr } from '../ecr/check.js';
import type { CompressedRef, CompressionCache } from './cache.js';
import type { PlannedBlob, PushPlan } from './plan.js';
import type { SentBlob } from './render.js';

/**
 * Trusting the compression cache. An entry says "this layer gzips to that digest and size"; it
 * is only ever written by ecr-push after compressing, but the file can be edited, damaged or
 * restored from elsewhere. Distinct content never shares a digest, and ECR knows the size of what
 * it holds, so an entry that contradicts either is dropped and its layer compressed again.
 */

/** The cache with the entries for which `keep(sourceDigest, hit)` is false dropped. */
function cacheWhere(cache: CompressionCache, keep: (source: string, hit: CompressedRef) => boolean): CompressionCache {
  return {
    ...cache,
    get: (digest) => {
      const hit = cache.get(digest);
      return hit && keep(digest, hit) ? hit : undefined;
    },
  };
}

/** Without entries that name a digest another blob of the plan has too (a cached one, or one sent as stored). */
export function consistentCache(cache: CompressionCache, blobs: readonly PlannedBlob[]): CompressionCache {
  const claims = new Map<string, number>();
  for (const b of blobs) {
    const digest = b.encoding === 'copy' ? b.source.digest : cache.get(b.source.digest)?.digest;
    if (digest !== undefined) claims.set(digest, (claims.get(digest) ?? 0) + 1);
  }
  return cacheWhere(cache, (_, hit) => claims.get(hit.digest) === 1);
}

/** Without entries whose digest ECR holds at another size than the one remembered. */
export function confirmedBy(cache: CompressionCache, inEcr: BlobsInEcr): CompressionCache {
  return cacheWhere(cache, (_, hit) => {
    const size = inEcr.get(hit.digest);
    return size === undefined || size === hit.size;
  });
}

/** Without the entries of these layers. */
export function cacheWithout(cache: CompressionCache, sources: ReadonlySet<string>): CompressionCache {
  return cacheWhere(cache, (source) => !sources.has(source));
}

/** The layers that will be skipped on the cache's word alone: compressed layers whose cached digest ECR has. */
export function skippedOnCache(blobs: readonly PlannedBlob[], cache: CompressionCache, inEcr: BlobsInEcr): Set<string> {
  return new Set(blobs.filter((b) => b.encoding === 'gzip' && alreadyInEcr(b, cache, inEcr)).map((b) => b.source.digest));
}

/**
 * Of the layers skipped on the cache's word, those whose digest turned out to be another layer's
 * once that one was compressed in this push: their entry was wrong, and they must be compressed
 * and sent after all.
 */
export function disprovedHits(blobs: readonly PlannedBlob[], sent: ReadonlyMap<string, SentBlob>, onCacheWord: ReadonlySet<string>): Set<string> {
  const owners = new Map<string, number>();
  for (const b of blobs) {
    const d = sent.get(b.source.digest)?.digest;
    if (d !== undefined) owners.set(d, (owners.get(d) ?? 0) + 1);
  }
  return new Set([...onCacheWord].filter((source) => (owners.get(sent.get(source)?.digest ?? '') ?? 0) > 1));
}

/** What the blob will be in ECR, when that is known before sending (copy, or a cache hit). */
export function expectedSent(blob: PlannedBlob, cache: CompressionCache): SentBlob | undefined {
  const { digest, size, mediaType } = blob.source;
  if (blob.encoding === 'copy') return { digest, size, mediaType };
  const hit = cache.get(digest);
  return hit ? { digest: hit.digest, size: hit.size, mediaType: blob.gzipMediaType ?? mediaType } : undefined;
}

/** What the blob already is in ECR (its expected digest is there), or undefined when it must be sent. */
export function alreadyInEcr(blob: PlannedBlob, cache: CompressionCache, inEcr: BlobsInEcr): SentBlob | undefined {
  const known = expectedSent(blob, cache);
  return known && inEcr.has(known.digest) ? known : undefined;
}

/** The sent-blob record for a blob uploaded as `digest`/`size`. */
export function sentAs(blob: PlannedBlob, digest: string, size: number): SentBlob {
  return { digest, size, mediaType: blob.encoding === 'gzip' ? (blob.gzipMediaType ?? blob.source.mediaType) : blob.source.mediaType };
}

/** What each blob will be in ECR, when all of that is known before sending (no cache miss). */
export function knownBeforeSending(plan: PushPlan, cache: CompressionCache): Map<string, SentBlob> | undefined {
  const known = new Map<string, SentBlob>();
  for (const b of plan.blobs) {
    const sent = expectedSent(b, cache);
    if (!sent) return undefined;
    known.set(b.source.digest, sent);
  }
  return known;
}
