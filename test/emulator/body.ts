/**
 * Reading a JSON 1.1 request body as it arrives: every chunk is hashed (the SigV4 payload hash),
 * and UploadLayerPart's base64 `layerPartBlob` is decoded chunk by chunk straight into one
 * buffer, so a 27 MiB body never becomes one large string and never goes through JSON.parse.
 * The rest of the JSON (with the blob string left empty) is small and parsed normally.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';

export interface ReceivedBody {
  /** The JSON text with the layerPartBlob string emptied. */
  json: Buffer;
  /** The decoded layerPartBlob, when the body had one. */
  blob?: Buffer;
  /** Hex sha256 of the body bytes as received. */
  sha256: string;
}

/**
 * Large buffers for decoded parts, reused from request to request: fresh memory costs a page
 * fault per 4 KiB on first touch, which for 20 MiB parts costs more than decoding them.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 4) {}

  acquire(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    return i >= 0 ? this.free.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(size);
  }

  /** Gives back the buffer a blob was decoded into (a view of it is fine). */
  release(view: Buffer | undefined): void {
    if (view === undefined || this.free.length >= this.keep) return;
    const whole = Buffer.from(view.buffer, 0, view.buffer.byteLength);
    if (whole.length >= 64 * 1024 && !this.free.some((b) => b.buffer === whole.buffer)) this.free.push(whole);
  }
}

/** Reads, hashes and splits the body; a malformed blob rejects only once the body is fully read. */
export function readBody(req: IncomingMessage, pool: BufferPool): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const scanner = new BlobScanner(Number(req.headers['content-length']) || 0, pool);
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      scanner.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve({ ...scanner.finish(), sha256: hash.digest('hex') });
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

const KEY = Buffer.from('"layerPartBlob"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Base64 characters decoded per string: a multiple of 4, well under V8's 128 KiB large-object size. */
const DECODE_SLICE = 64 * 1024;

/** Splits a JSON body into the text around the layerPartBlob string and that string decoded. */
class BlobScanner {
  private phase: 'head' | 'blob' | 'tail' = 'head';
  /** Head bytes not yet known to be free of the key (a key may straddle two chunks). */
  private pending = Buffer.alloc(0);
  private readonly head: Buffer[] = [];
  private readonly tail: Buffer[] = [];
  private out: Buffer = Buffer.alloc(0);
  private written = 0;
  /** Body bytes seen so far, to size the output buffer when the blob starts. */
  private seen = 0;
  /** Base64 characters waiting for a complete group of four. */
  private carry: Buffer = Buffer.alloc(0);
  private padded = false;
  private error?: AwsError;

  constructor(
    private readonly contentLength: number,
    private readonly pool: BufferPool,
  ) {}

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.phase === 'head') this.scanHead(chunk);
    else if (this.phase === 'blob') this.scanBlob(chunk);
    else this.tail.push(chunk);
  }

  finish(): { json: Buffer; blob?: Buffer } {
    if (this.error) throw this.error;
    if (this.phase === 'head') return { json: Buffer.concat([...this.head, this.pending]) };
    if (this.phase === 'blob' || this.carry.length > 0) throw serialization('Unterminated or truncated layerPartBlob');
    return { json: Buffer.concat([...this.head, ...this.tail]), blob: this.out.subarray(0, this.written) };
  }

  private scanHead(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const found = findBlobStart(data);
    if (typeof found === 'number') {
      this.head.push(data.subarray(0, found));
      this.pending = Buffer.alloc(0);
      this.phase = 'blob';
      const remaining = this.contentLength - (this.seen - (data.length - found));
      this.out = this.pool.acquire(Math.max(Math.ceil((remaining * 3) / 4), 0));
      this.scanBlob(data.subarray(found));
    } else {
      this.head.push(data.subarray(0, found.keepFrom));
      this.pending = Buffer.from(data.subarray(found.keepFrom));
    }
  }

  private scanBlob(data: Buffer): void {
    const end = data.indexOf(QUOTE);
    const textEnd = end < 0 ? data.length : end;
    const escape = data.indexOf(BACKSLASH);
    if (escape >= 0 && escape < textEnd) return this.fail('Escaped characters are not valid base64 in layerPartBlob');
    this.decodeText(data.subarray(0, textEnd), end >= 0);
    if (end >= 0) {
      this.phase = 'tail';
      this.tail.push(data.subarray(end));
    }
  }

  /** Decodes whole groups of four characters; up to three wait in `carry` for the next chunk. */
  private decodeText(text: Buffer, final: boolean): void {
    let start = 0;
    if (this.carry.length > 0) {
      start = Math.min(4 - this.carry.length, text.length);
      this.carry = Buffer.concat([this.carry, text.subarray(0, start)]);
      if (this.carry.length < 4) {
        if (final) this.fail('Invalid base64 length in layerPartBlob');
        return;
      }
      this.decode(this.carry.toString('latin1'));
      this.carry = Buffer.alloc(0);
    }
    const whole = text.length - ((text.length - start) % 4);
    if (final && whole !== text.length) return this.fail('Invalid base64 length in layerPartBlob');
    // Strings of 128 KiB and more go to V8's large-object space and decode many times slower.
    for (let o = start; o < whole && this.phase === 'blob'; o += DECODE_SLICE) {
      this.decode(text.toString('latin1', o, Math.min(o + DECODE_SLICE, whole)));
    }
    this.carry = Buffer.from(text.subarray(whole));
  }

  private decode(group: string): void {
    const padding = group.endsWith('==') ? 2 : group.endsWith('=') ? 1 : 0;
    const expected = (group.length / 4) * 3 - padding;
    if (this.written + expected > this.out.length) {
      const bigger = this.pool.acquire(Math.max(this.out.length * 2, this.written + expected, 1024 * 1024));
      this.out.copy(bigger, 0, 0, this.written);
      this.pool.release(this.out);
      this.out = bigger;
    }
    const n = this.out.write(group, this.written, 'base64');
    if (n !== expected || this.padded) return this.fail('Invalid base64 in layerPartBlob');
    this.written += n;
    this.padded = padding > 0;
  }

  /** Remembers the first problem and ignores the rest of the blob; the body is still read to the end. */
  private fail(message: string): void {
    this.error ??= serialization(message);
    this.phase = 'tail';
  }
}

/**
 * Where the layerPartBlob string's content starts in `data`, or from where to keep scanning once
 * more bytes arrive.
 */
function findBlobStart(data: Buffer): number | { keepFrom: number } {
  let from = 0;
  for (;;) {
    const key = data.indexOf(KEY, from);
    if (key < 0) return { keepFrom: Math.max(from, data.length - KEY.length + 1) };
    let i = skipSpace(data, key + KEY.length);
    if (i >= data.length) return { keepFrom: key };
    if (data[i] === 0x3a /* : */) {
      i = skipSpace(data, i + 1);
      if (i >= data.length) return { keepFrom: key };
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
export function parseInput(body: Pick<ReceivedBody, 'json' | 'blob'>): Record<string, unknown> {
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

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}
