/**
 * Sending a push's blobs: a pool of workers uploads every blob ECR lacks (a gzip layer compressed
 * on the way), skips the ones it has, compresses ahead the layers chosen for it
 * (plan/compress-ahead.ts), and sends again the layers a wrong cache entry had skipped.
 */
import { InputError } from '../errors.js';
import type { EventSink } from '../events.js';
import { readToEnd, type ByteReader } from '../image/byte-reader.js';
import type { BlobStore } from '../image/types.js';
import { checkBlobs, type BlobsInEcr } from '../ecr/check.js';
import type { Transport } from '../ecr/transport.js';
import { uploadBlob, type UploadSettings } from '../ecr/upload.js';
import { alreadyInEcr, cacheWithout, disprovedHits, expectedSent, sentAs, skippedOnCache } from '../plan/blob-sends.js';
import type { CompressionCache } from '../plan/cache.js';
import type { AheadOfSending } from '../plan/compress-ahead.js';
import { layerEncoder } from '../plan/encoder.js';
import type { PlannedBlob, PushPlan } from '../plan/plan.js';
import { runPool } from '../plan/pool.js';
import type { SentBlob } from '../plan/render.js';

/** What the push did with its blobs, for the result. */
export interface Tally {
  uploaded: number;
  skipped: number;
  bytesUploaded: number;
}

/**
 * The bytes to send for a blob: as the source stores them (checked by ECR at completion, see
 * upload.ts), or gzip-encoded from the source read and verified on the way.
 */
export function openForSend(blobs: BlobStore, blob: PlannedBlob): ByteReader {
  if (blob.encoding === 'copy') return blobs.reader(blob.source, { verify: false });
  return layerEncoder(blobs.reader(blob.source));
}

/** An event's `sentAs`: the digest ECR holds the blob under, when it is not the source's. */
function sentAsField(blob: PlannedBlob, digest: string): { sentAs?: string } {
  return digest !== blob.source.digest ? { sentAs: digest } : {};
}

/** A blob ECR already has: counted and reported as skipped. */
export function reportSkipped(blob: PlannedBlob, there: SentBlob, tally: Tally, onEvent: EventSink): void {
  tally.skipped++;
  onEvent({ type: 'blob-skipped', digest: blob.source.digest, size: there.size, ...sentAsField(blob, there.digest) });
}

/** How blobs are sent: by how many workers, with which upload settings, and which layers are compressed first. */
export interface Sending {
  workers: number;
  settings: UploadSettings;
  ahead?: AheadOfSending;
}

/**
 * A layer compressed first (plan/compress-ahead.ts) to the digest of the stored layer of the same
 * content, when ECR has that digest: what it is in ECR. Undefined when it must be sent.
 */
async function foundAhead(t: Transport, blob: PlannedBlob, ahead: AheadOfSending, signal: AbortSignal): Promise<SentBlob | undefined> {
  t.onEvent({ type: 'blob-compressing', digest: blob.source.digest, size: blob.source.size });
  const made = await ahead.compress(blob, signal);
  if (!made) return undefined;
  const present = await checkBlobs({ ...t, signal }, [made.digest]);
  return present.has(made.digest) ? sentAs(blob, made.digest, made.size) : undefined;
}

/** Upload (or skip) every blob; returns what each became in ECR, keyed by source digest. */
async function sendBlobs(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache, how: Sending, tally: Tally,
): Promise<Map<string, SentBlob>> {
  const sent = new Map<string, SentBlob>();
  await runPool(plan.blobs, how.workers, t.signal, async (blob, signal) => {
    const there = alreadyInEcr(blob, cache, present) ?? (how.ahead?.wants(blob) ? await foundAhead(t, blob, how.ahead, signal) : undefined);
    if (there) {
      sent.set(blob.source.digest, there);
      reportSkipped(blob, there, tally, t.onEvent);
      return;
    }
    const known = expectedSent(blob, cache);
    if (blob.source.size === 0 && blob.encoding === 'copy') {
      // Gzipped, an empty layer is a 20-byte blob like any other.
      throw new InputError(`blob ${blob.source.digest} is empty (zero bytes) and the repository does not have it; ECR cannot store an empty blob`);
    }
    t.onEvent({ type: 'blob-start', digest: blob.source.digest, ...(known ? { size: known.size } : {}) });
    const up = await uploadBlob({ ...t, signal }, {
      label: blob.source.digest,
      ...(blob.encoding === 'copy' ? { digest: blob.source.digest, checkSource: () => readToEnd(blobs.reader(blob.source)) } : {}),
      open: () => openForSend(blobs, blob),
    }, how.settings);
    if (blob.encoding === 'gzip') cache.set(blob.source.digest, { digest: up.digest, size: up.size });
    sent.set(blob.source.digest, sentAs(blob, up.digest, up.size));
    if (up.alreadyExisted) tally.skipped++;
    else {
      tally.uploaded++;
      tally.bytesUploaded += up.size;
    }
    t.onEvent({ type: 'blob-done', digest: blob.source.digest, size: up.size, alreadyExisted: up.alreadyExisted, ...sentAsField(blob, up.digest) });
  });
  return sent;
}

/**
 * sendBlobs, then the layers it skipped on a cache entry that the push itself disproved (their
 * digest turned out to be another layer's): those are compressed and sent after all.
 */
export async function sendAllBlobs(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache, how: Sending, tally: Tally,
): Promise<Map<string, SentBlob>> {
  const onCacheWord = skippedOnCache(plan.blobs, cache, present);
  const sent = await sendBlobs(t, plan, blobs, present, cache, how, tally);
  const disproved = disprovedHits(plan.blobs, sent, onCacheWord);
  if (disproved.size === 0) return sent;
  t.onEvent({ type: 'info', message: `the compression cache was wrong about ${disproved.size} layer(s); compressing them after all` });
  tally.skipped -= disproved.size;
  const again = { ...plan, blobs: plan.blobs.filter((b) => disproved.has(b.source.digest)) };
  const plainly: Sending = { workers: how.workers, settings: how.settings };
  for (const [digest, blob] of await sendBlobs(t, again, blobs, new Map(), cacheWithout(cache, disproved), plainly, tally)) {
    sent.set(digest, blob);
  }
  return sent;
}
