/**
 * Reading a JSON 1.1 request body: the bytes are gathered into one pooled shared buffer, and
 * UploadLayerPart's base64 `layerPartBlob` string is located in them, so a 27 MiB body never
 * becomes a string and never goes through JSON.parse. Hashing and decoding it is worker work
 * (part-work.ts); the rest of the JSON is small and parsed normally.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';
import { QUOTE } from './part-work.js';
import type { PartWorkers } from './workers.js';

/** A request body as received, hashed and with its layerPartBlob decoded. */
export interface ReceivedBody {
  /** The body bytes, in a pooled buffer. */
  bytes: Buffer;
  /** The JSON text with the layerPartBlob string emptied. */
  json: Buffer;
  /** The decoded layerPartBlob, when the body had one: decoded in place, a view of `bytes`. */
  blob?: Buffer;
  /** Hex sha256 of the body bytes as received. */
  sha256: string;
  /** Why layerPartBlob is not valid base64; answered only once the signature is checked. */
  problem?: string;
}

const MiB = 1024 * 1024;
/** Bodies smaller than this get buffers of their own: only part bodies are worth keeping. */
const POOLED = 64 * 1024;

/**
 * Large shared buffers for bodies, reused from request to request: fresh memory costs a page
 * fault per 4 KiB on first touch, which for 20 MiB parts costs more than decoding them. Shared,
 * so a worker thread reads and writes them in place.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 6) {}

  acquire(size: number): Buffer {
    if (size < POOLED) return Buffer.from(new SharedArrayBuffer(Math.max(size, 1)));
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    // Bodies of full parts differ by a few bytes (the digits of their byte range): whole MiB fit them all.
    return Buffer.from(new SharedArrayBuffer(Math.ceil(size / MiB) * MiB));
  }

  /**
   * Gives back a buffer (a view of it is fine). A full pool keeps its largest buffers: after
   * pushes with small parts, it would otherwise hold only small ones, and every 20 MiB part
   * after them would take fresh memory.
   */
  release(view: Buffer | undefined): void {
    if (view === undefined) return;
    const whole = Buffer.from(view.buffer, 0, view.buffer.byteLength);
    if (whole.length < POOLED || this.free.some((b) => b.buffer === whole.buffer)) return;
    if (this.free.length < this.keep) return void this.free.push(whole);
    const smallest = this.free.reduce((min, b, i) => (b.length < this.free[min]!.length ? i : min), 0);
    if (this.free[smallest]!.length < whole.length) this.free[smallest] = whole;
  }
}

/**
 * Reads a body, hashes it and decodes its layerPartBlob, on a worker thread when it has one.
 * The caller releases `bytes` to the pool once done with `blob`.
 */
export async function receiveBody(req: IncomingMessage, pool: BufferPool, workers: PartWorkers): Promise<ReceivedBody> {
  const bytes = await readBody(req, pool);
  const blobStart = findBlobStart(bytes);
  if (blobStart < 0) return { bytes, json: bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  const part = await workers.run({ kind: 'part', body: bytes, blobStart });
  // Unterminated: the problem is answered once the signature is checked, so the JSON is never parsed.
  if (part.blobEnd < 0) return { bytes, json: bytes, sha256: part.sha256, problem: part.problem };
  return {
    bytes,
    json: Buffer.concat([bytes.subarray(0, blobStart), bytes.subarray(part.blobEnd)]),
    blob: bytes.subarray(blobStart, blobStart + part.written),
    sha256: part.sha256,
    problem: part.problem,
  };
}

/** Gathers the body into a buffer from `pool`; the caller releases it. */
export function readBody(req: IncomingMessage, pool: BufferPool): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffer = pool.acquire(Number(req.headers['content-length']) || POOLED);
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      if (chunk.length === 0) return;
      if (length + chunk.length > buffer.length) {
        // No or a wrong Content-Length (chunked transfer): grow by doubling.
        const bigger = pool.acquire(Math.max(buffer.length * 2, length + chunk.length));
        buffer.copy(bigger, 0, 0, length);
        pool.release(buffer);
        buffer = bigger;
      }
      // fill() copies with memcpy; copy() into shared memory goes through V8's relaxed
      // byte-safe memmove, which was a tenth of the emulator's CPU time on part bodies.
      buffer.fill(chunk, length, length + chunk.length);
      length += chunk.length;
    });
    req.on('end', () => resolve(buffer.subarray(0, length)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) {
        pool.release(buffer);
        reject(new Error('request aborted'));
      }
    });
  });
}

const KEY = Buffer.from('"layerPartBlob"');

/** Where the layerPartBlob string's content starts in `data`, or -1. */
function findBlobStart(data: Buffer): number {
  for (let from = 0; ; ) {
    const key = data.indexOf(KEY, from);
    if (key < 0) return -1;
    let i = skipSpace(data, key + KEY.length);
    if (data[i] === 0x3a /* : */) {
      i = skipSpace(data, i + 1);
      if (data[i] === QUOTE) return i + 1;
    }
    from = key + 1;
  }
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** Parses the JSON text of a body; `layerPartBlob` comes back as the decoded Buffer. */
export function parseInput(body: { json: Buffer; blob?: Buffer }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.json.length === 0 ? '{}' : body.json.toString('utf8'));
  } catch {
    throw serialization('Start of structure or map found where not expected.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw serialization('Start of structure or map found where not expected.');
  }
  return body.blob === undefined ? (value as Record<string, unknown>) : { ...value, layerPartBlob: body.blob };
}

export function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}
