/**
 * One blob into ECR: InitiateLayerUpload → UploadLayerPart (contiguous inclusive ranges, in
 * order) → CompleteLayerUpload with the digest computed on the way, checked against ECR's.
 * A blob sent as the source stores it is not hashed here: it completes with the source's digest,
 * which ECR checks against the bytes it received (InvalidLayerException on a mismatch); only then
 * is the source read again, to tell a corrupt source from a transport problem.
 *
 * Each part is read straight into a body buffer and base64-encoded there (part-body.ts); the next
 * part is read while the previous one is in flight. Body buffers come from a pool the whole push
 * shares (body-buffers.ts), which bounds memory however many blobs are in flight.
 * Part-level robustness: a reset, timeout or 5xx re-sends the part;
 * InvalidLayerPartException resumes from lastValidByteReceived + 1; UploadNotFoundException
 * restarts the blob with a new upload. All bounded, with backoff and jitter, as `retry` events.
 */
import { createHash, type Hash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { ByteReader } from '../image/byte-reader.js';
import { BodyBuffers } from './body-buffers.js';
import { EcrServiceError } from './classify.js';
import { MAX_PART_SIZE } from './part-limits.js';
import { partAfter, partCommandInput, readEncodedPart, type EncodedPart } from './part-body.js';
import {
  backoffDelay, errorName, isTransient, repoInput, sendOptions, sleep,
  type Backoff, type Transport,
} from './transport.js';

export interface BlobToSend {
  /** Digest used in events: the blob as the source names it. */
  label: string;
  /** The digest the sent bytes must have, when known before sending. */
  digest?: string;
  /**
   * For a sha256 `digest` taken from the source: the bytes are not hashed on the way, ECR's own
   * check at CompleteLayerUpload is the verification; when ECR refuses the digest, this checks
   * the source (an InputError naming the file when the source is corrupt).
   */
  checkSource?: () => Promise<void>;
  /** A fresh reader of exactly the bytes to send (already encoded). Called again on a restart. */
  open(): ByteReader;
}

export interface UploadSettings extends Backoff {
  /** `--part-size` (lowered to the partSize InitiateLayerUpload returns, if smaller); otherwise min(20 MiB, that partSize). */
  partSize?: number;
  /** Attempts per part, the first one included (default 5). */
  partAttempts?: number;
  /** New uploads of one blob after UploadNotFoundException (default 3). */
  blobRestarts?: number;
  /** Body buffers shared with the push's other uploads (default: two of this upload's own). */
  buffers?: BodyBuffers;
}

export interface UploadedBlob {
  digest: string;
  size: number;
  alreadyExisted: boolean;
}

/** Thrown inside one upload when the only way on is a new upload of the whole blob. */
class RestartBlob extends Error {
  constructor(readonly reason: string, readonly original: unknown) {
    super(reason);
  }
}

interface PartState {
  t: Transport;
  settings: UploadSettings;
  blob: BlobToSend;
  uploadId: string;
}

/** ECR refuses parts over the size it offers, so even an explicit --part-size stays within it. */
function chosenPartSize(settings: UploadSettings, offered: number | undefined): number {
  return Math.min(settings.partSize ?? MAX_PART_SIZE, offered && offered > 0 ? offered : MAX_PART_SIZE);
}

/** Send one part starting at byte `start`, re-sending or resuming inside the part as needed. */
async function sendPart(s: PartState, start: number, part: EncodedPart): Promise<void> {
  const { UploadLayerPartCommand } = await import('./sdk.js');
  const attempts = s.settings.partAttempts ?? 5;
  let from = start;
  let data = part;
  for (let attempt = 1; ; attempt++) {
    const last = from + data.size - 1;
    try {
      await s.t.client.send(
        new UploadLayerPartCommand(partCommandInput(
          s.t.client, { ...repoInput(s.t), uploadId: s.uploadId, partFirstByte: from, partLastByte: last }, data,
        )),
        sendOptions(s.t),
      );
      return;
    } catch (err) {
      if (s.t.signal?.aborted) throw err;
      const name = errorName(err);
      if (name === 'UploadNotFoundException') throw new RestartBlob('the upload expired (UploadNotFoundException)', err);
      let reason: string;
      if (name === 'InvalidLayerPartException') {
        const lastValid = (err as { lastValidByteReceived?: number }).lastValidByteReceived;
        if (typeof lastValid !== 'number') throw new RestartBlob('ECR rejected a part without saying where to resume', err);
        const resume = lastValid + 1;
        if (resume > start + part.size - 1) return;
        if (resume < start) throw new RestartBlob(`ECR lost bytes before this part (resume at ${resume})`, err);
        from = resume;
        data = partAfter(part, resume - start);
        reason = `InvalidLayerPartException: resuming at byte ${resume}`;
      } else if (isTransient(err)) {
        reason = `${name} while sending bytes ${from}-${last}`;
      } else {
        throw err;
      }
      if (attempt >= attempts) throw err;
      const delayMs = backoffDelay(attempt, s.settings);
      s.t.onEvent({ type: 'retry', what: `part of ${s.blob.label}`, attempt: attempt + 1, reason, delayMs });
      await sleep(delayMs, s.t.signal);
    }
  }
}

/** Close an upload: CompleteLayerUpload with our digest; LayerAlreadyExists counts as success. */
async function complete(s: PartState, digest: string): Promise<boolean> {
  const { CompleteLayerUploadCommand } = await import('./sdk.js');
  try {
    const out = await s.t.client.send(
      new CompleteLayerUploadCommand({ ...repoInput(s.t), uploadId: s.uploadId, layerDigests: [digest] }),
      sendOptions(s.t),
    );
    if (out.layerDigest !== undefined && out.layerDigest !== digest) {
      throw new EcrServiceError('InvalidLayerException', `ECR computed ${out.layerDigest} for blob ${s.blob.label}, but ${digest} was sent`);
    }
    return false;
  } catch (err) {
    if (errorName(err) === 'LayerAlreadyExistsException') return true;
    if (errorName(err) === 'UploadNotFoundException') throw new RestartBlob('the upload expired before it was completed', err);
    throw err;
  }
}

/** One upload attempt of the whole blob. */
async function uploadOnce(t: Transport, blob: BlobToSend, settings: UploadSettings, buffers: BodyBuffers): Promise<UploadedBlob> {
  const { InitiateLayerUploadCommand } = await import('./sdk.js');
  const init = await t.client.send(new InitiateLayerUploadCommand(repoInput(t)), sendOptions(t));
  if (!init.uploadId) throw new EcrServiceError('EcrError', 'InitiateLayerUpload returned no upload id');
  const s: PartState = { t, settings, blob, uploadId: init.uploadId };
  const partSize = chosenPartSize(settings, init.partSize);
  // A source's sha256 digest is checked by ECR at completion; anything else is hashed here.
  const claimed = blob.checkSource !== undefined && blob.digest?.startsWith('sha256:') ? blob.digest : undefined;
  const hash = claimed === undefined ? createHash('sha256') : undefined;
  const reader = blob.open();
  /** The next part in a buffer of the pool (given back at once when the reader is at its end). */
  const readNext = async (): Promise<{ part: EncodedPart } | undefined> => {
    const buffer = await buffers.take(partSize, t.signal);
    try {
      const part = await readEncodedPart(reader, buffer, partSize, hash && ((raw) => hash.update(raw)));
      if (part === undefined) buffers.give(buffer);
      return part && { part };
    } catch (err) {
      buffers.give(buffer);
      throw err;
    }
  };
  let offset = 0;
  let next: Promise<{ part: EncodedPart } | undefined> | undefined = readNext();
  try {
    for (;;) {
      const r = await next;
      next = undefined;
      if (r === undefined) break;
      try {
        next = readNext();
        next.catch(() => undefined);
        await sendPart(s, offset, r.part);
      } finally {
        buffers.give(r.part.buffer);
      }
      offset += r.part.size;
      t.onEvent({ type: 'blob-progress', digest: blob.label, done: offset });
    }
  } finally {
    // A part read ahead of a failed send goes back to the pool before this upload gives up.
    const pending = await next?.catch(() => undefined);
    if (pending) buffers.give(pending.part.buffer);
    await reader.close();
  }
  if (offset === 0) throw new InputError(`blob ${blob.label} is empty: ECR cannot store a zero-byte blob`);
  const digest = claimed ?? `sha256:${(hash as Hash).digest('hex')}`;
  if (blob.digest !== undefined && blob.digest !== digest) {
    throw new InputError(`blob ${blob.label} read back as ${digest}, expected ${blob.digest}`, { problem: 'damaged' });
  }
  try {
    return { digest, size: offset, alreadyExisted: await complete(s, digest) };
  } catch (err) {
    // ECR computed another digest: a corrupt source says so (InputError); otherwise ECR's error stands.
    if (claimed !== undefined && errorName(err) === 'InvalidLayerException') await blob.checkSource?.();
    throw err;
  }
}

/** Upload one blob, restarting it with a new upload when ECR has lost the previous one. */
export async function uploadBlob(t: Transport, blob: BlobToSend, settings: UploadSettings = {}): Promise<UploadedBlob> {
  const restarts = settings.blobRestarts ?? 3;
  const buffers = settings.buffers ?? new BodyBuffers(2);
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(t, blob, settings, buffers);
    } catch (err) {
      if (!(err instanceof RestartBlob) || t.signal?.aborted) throw err;
      if (attempt > restarts) throw err.original;
      const delayMs = backoffDelay(attempt, settings);
      t.onEvent({ type: 'retry', what: `blob ${blob.label}`, attempt: attempt + 1, reason: `${err.reason}: starting a new upload`, delayMs });
      t.onEvent({ type: 'blob-progress', digest: blob.label, done: 0 });
      await sleep(delayMs, t.signal);
    }
  }
}
