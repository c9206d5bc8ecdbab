/**
 * Compressing ahead. On a runner whose compression cache does not know a push's gzip layers (a
 * fresh CI runner), the digest of a gzip layer is known only once it has been compressed, so a
 * push of a changed image would compress and upload every layer, the unchanged ones too. When the
 * image a tag names has layers of the same content (its config lists their diff_ids), each such
 * layer is compressed first without being sent, only to learn its digest: when ECR has that
 * digest the layer is skipped like a cache hit, otherwise it is compressed again as it is sent.
 * The other blobs are uploaded meanwhile, in the same pool of workers.
 *
 * Nothing is taken on the stored image's word: a layer is skipped only for the digest of the
 * bytes this push made, and the encoder is deterministic, so the bytes ECR holds under that
 * digest are the ones the push would send. Once a layer compresses to a digest other than the
 * stored layer's (the stored image was made by another encoder or level), the layers not yet
 * started are sent as usual: more of them would very likely differ too.
 */
import { createHash } from 'node:crypto';
import type { ByteReader } from '../image/byte-reader.js';
import type { CompressedRef, CompressionCache } from './cache.js';
import type { PlannedBlob, PushPlan } from './plan.js';

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

export interface AheadOfSending {
  /** Whether `blob` is to be compressed first: one of the layers chosen, while none has differed. */
  wants(blob: PlannedBlob): boolean;
  /**
   * Compress `blob` without sending it and record what it compresses to in the cache. Returns
   * that when it is the stored layer's digest; otherwise undefined, and no later layer is wanted.
   */
  compress(blob: PlannedBlob, signal: AbortSignal): Promise<CompressedRef | undefined>;
}

/**
 * Compressing `layers` ahead, through `open` (the encoder a push sends with), recording in `cache`.
 * `onFirstDiffer` hears of the first layer that compresses to another digest than the stored one
 * (layers compressed side by side may each find that out; it is told once).
 */
export function aheadOfSending(
  layers: readonly PlannedBlob[], stored: ReadonlyMap<string, CompressedRef>, open: (blob: PlannedBlob) => ByteReader, cache: CompressionCache,
  onFirstDiffer: (blob: PlannedBlob) => void = () => undefined,
): AheadOfSending {
  const chosen = new Set(layers.map((b) => b.source.digest));
  let differs = false;
  return {
    wants: (blob) => !differs && chosen.has(blob.source.digest),
    compress: async (blob, signal) => {
      const made = await digestOf(open(blob), signal);
      cache.set(blob.source.digest, made);
      if (made.digest === stored.get(blob.source.digest)?.digest) return made;
      if (!differs) onFirstDiffer(blob);
      differs = true;
      return undefined;
    },
  };
}
