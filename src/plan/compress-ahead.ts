/**
 * Compressing ahead. On a runner whose compression cache does not know a push's gzip layers (a
 * fresh CI runner), the digest of a gzip layer is known only once it has been compressed, so a
 * push of a changed image would compress and upload every layer, the unchanged ones too. When the
 * image a tag names has layers of the same content (its config lists their diff_ids), those
 * layers are compressed first without being sent, only to learn their digests: those ECR has are
 * then skipped like cache hits, the others are compressed again as they are sent.
 *
 * Nothing is taken on the stored image's word: a layer is skipped only for the digest of the
 * bytes this push made, and the encoder is deterministic, so the bytes ECR holds under that
 * digest are the ones the push would send. Once a layer compresses to a digest other than the
 * stored layer's (the stored image was made by another encoder or level), the layers not yet
 * started are left to be sent as before: more of them would very likely differ too.
 */
import { createHash } from 'node:crypto';
import type { ByteReader } from '../image/byte-reader.js';
import type { CompressedRef, CompressionCache } from './cache.js';
import type { PlannedBlob, PushPlan } from './plan.js';
import { runPool } from './pool.js';

const CHUNK = 1024 * 1024;

/** The gzip layers the cache does not know whose content the stored image has. */
export function worthCompressingAhead(plan: PushPlan, cache: CompressionCache, stored: ReadonlyMap<string, CompressedRef>): PlannedBlob[] {
  return plan.blobs.filter((b) => b.encoding === 'gzip' && cache.get(b.source.digest) === undefined && stored.has(b.source.digest));
}

/** Digest and size of everything `reader` gives, read through one buffer. */
async function digestOf(reader: ByteReader, signal: AbortSignal): Promise<CompressedRef> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      signal.throwIfAborted();
      const n = await reader.read(buffer);
      hash.update(buffer.subarray(0, n));
      size += n;
      if (n < CHUNK) break;
    }
  } finally {
    await reader.close();
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Compress `layers` (through `open`, the encoder a push sends with) and record what each
 * compresses to in `cache`; stops starting layers once one differs from its stored layer.
 * Returns how many were compressed.
 */
export async function compressAhead(
  layers: readonly PlannedBlob[], stored: ReadonlyMap<string, CompressedRef>, open: (blob: PlannedBlob) => ByteReader,
  cache: CompressionCache, workers: number, signal: AbortSignal | undefined,
): Promise<number> {
  let differs = false;
  let compressed = 0;
  await runPool(layers, workers, signal, async (blob, jobSignal) => {
    if (differs) return;
    const made = await digestOf(open(blob), jobSignal);
    cache.set(blob.source.digest, made);
    compressed++;
    if (made.digest !== stored.get(blob.source.digest)?.digest) differs = true;
  });
  return compressed;
}
