/**
 * One blob into ECR: InitiateLayerUpload → UploadLayerPart (contiguous inclusive ranges, in
 * order) → CompleteLayerUpload with the digest computed on the way (or, for a blob sent as the
 * source stores it, the digest the source's verifying stream has checked), checked against ECR's.
 *
 * The next part is read (and encoded) while the previous one is in flight, into two part buffers
 * reused in turn, and each body is built in one reused body buffer: about 3.4 × partSize per
 * blob. Part-level robustness: a reset, timeout or 5xx re-sends the part;
 * InvalidLayerPartException resumes from lastValidByteReceived + 1; UploadNotFoundException
 * restarts the blob with a new upload. All bounded, with backoff and jitter, as `retry` events.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { EcrServiceError } from './classify.js';
import { partCommandInput, type BodyScratch } from './part-body.js';
import { partsOf } from './parts.js';
import {
  backoffDelay, errorName, isTransient, repoInput, sendOptions, sleep,
  type Backoff, type Transport,
} from './transport.js';

/** ECR's largest part: 20 MiB. */
export const MAX_PART_SIZE = 20 * 1024 * 1024;
/** ECR refuses parts below 5 MiB except the last one (LayerPartTooSmallException). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface BlobToSend {
  /** Digest used in events: the blob as the source names it. */
  label: string;
  /** The digest the sent bytes must have, when known before sending. */
  digest?: string;
  /**
   * True when open()'s stream itself fails unless its bytes hash to `digest` (the image source
   * verifies every blob while it is read): the bytes are then not hashed a second time here.
   */
  verified?: boolean;
  /** Fresh stream of exactly the bytes to send (already encoded). Called again on a restart. */
  open(): Readable;
}

export interface UploadSettings extends Backoff {
  /** `--part-size`; otherwise min(20 MiB, the partSize InitiateLayerUpload returns). */
  partSize?: number;
  /** Attempts per part, the first one included (default 5). */
  partAttempts?: number;
  /** New uploads of one blob after UploadNotFoundException (default 3). */
  blobRestarts?: number;
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
  /** The body buffer this upload's parts are encoded into, one after the other. */
  body: BodyScratch;
}

function chosenPartSize(settings: UploadSettings, offered: number | undefined): number {
  if (settings.partSize !== undefined) return settings.partSize;
  return Math.min(MAX_PART_SIZE, offered && offered > 0 ? offered : MAX_PART_SIZE);
}

/** Send one part starting at byte `start`, re-sending or resuming inside the part as needed. */
async function sendPart(s: PartState, start: number, part: Buffer): Promise<void> {
  const { UploadLayerPartCommand } = await import('@aws-sdk/client-ecr');
  const attempts = s.settings.partAttempts ?? 5;
  let from = start;
  for (let attempt = 1; ; attempt++) {
    const data = part.subarray(from - start);
    const last = from + data.length - 1;
    try {
      await s.t.client.send(
        new UploadLayerPartCommand(partCommandInput(
          s.t.client, { ...repoInput(s.t), uploadId: s.uploadId, partFirstByte: from, partLastByte: last }, data, s.body,
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
        if (resume > start + part.length - 1) return;
        if (resume < start) throw new RestartBlob(`ECR lost bytes before this part (resume at ${resume})`, err);
        from = resume;
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
  const { CompleteLayerUploadCommand } = await import('@aws-sdk/client-ecr');
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
async function uploadOnce(t: Transport, blob: BlobToSend, settings: UploadSettings): Promise<UploadedBlob> {
  const { InitiateLayerUploadCommand } = await import('@aws-sdk/client-ecr');
  const init = await t.client.send(new InitiateLayerUploadCommand(repoInput(t)), sendOptions(t));
  if (!init.uploadId) throw new EcrServiceError('EcrError', 'InitiateLayerUpload returned no upload id');
  const s: PartState = { t, settings, blob, uploadId: init.uploadId, body: {} };
  const partSize = chosenPartSize(settings, init.partSize);
  const stream = blob.open();
  // Parts are reused in turn: part k is hashed and sent before part k + 2 is read.
  const parts = partsOf(stream, partSize, true);
  // A sha256 digest the source stream already checks needs no second hash; anything else does.
  const trusted = blob.verified === true && blob.digest?.startsWith('sha256:') ? blob.digest : undefined;
  const hash = trusted === undefined ? createHash('sha256') : undefined;
  let offset = 0;
  let next = parts.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) break;
      next = parts.next();
      next.catch(() => undefined);
      hash?.update(r.value);
      await sendPart(s, offset, r.value);
      offset += r.value.length;
      t.onEvent({ type: 'blob-progress', digest: blob.label, done: offset });
    }
  } finally {
    stream.destroy();
  }
  if (offset === 0) throw new InputError(`blob ${blob.label} is empty: ECR cannot store a zero-byte blob`);
  // The stream ended without an error, so a trusted digest is the digest of what was sent.
  const digest = hash === undefined ? (trusted as string) : `sha256:${hash.digest('hex')}`;
  if (blob.digest !== undefined && blob.digest !== digest) {
    throw new InputError(`blob ${blob.label} read back as ${digest}, expected ${blob.digest}`);
  }
  const alreadyExisted = await complete(s, digest);
  return { digest, size: offset, alreadyExisted };
}

/** Upload one blob, restarting it with a new upload when ECR has lost the previous one. */
export async function uploadBlob(t: Transport, blob: BlobToSend, settings: UploadSettings = {}): Promise<UploadedBlob> {
  const restarts = settings.blobRestarts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(t, blob, settings);
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
