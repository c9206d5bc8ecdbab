/**
 * The byte work of UploadLayerPart, done on the emulator's worker threads: the SigV4 hash of the
 * body, decoding `layerPartBlob`, and each upload's running sha256 and file. ECR does this work
 * on its own machines; here it shares the pusher's cores, so it runs beside the event loop
 * instead of on it. Buffers travel as views of SharedArrayBuffers, never copied.
 */
import { createHash, type Hash } from 'node:crypto';
import { appendFileSync } from 'node:fs';

export type Task =
  /** Hash the whole body, and decode the base64 string starting at blobStart in place, to body[blobStart…). */
  | { kind: 'part'; body: Uint8Array; blobStart: number }
  /** Add a validated part to its upload's sha256 and append it to the upload's file. */
  | { kind: 'append'; upload: string; path: string; data: Uint8Array }
  /** The upload's sha256 (hex); the upload is forgotten. */
  | { kind: 'digest'; upload: string };

export type Outcome =
  | ({ kind: 'part' } & DecodedPart)
  | { kind: 'append' }
  | { kind: 'digest'; sha256: string };

/** Runs tasks; holds the running hashes of the uploads given to this worker. */
export class PartWork {
  private readonly uploads = new Map<string, Hash>();

  run(task: Task): Outcome {
    switch (task.kind) {
      case 'part':
        return { kind: 'part', ...hashAndDecode(bytes(task.body), task.blobStart) };
      case 'append': {
        const data = bytes(task.data);
        let hash = this.uploads.get(task.upload);
        if (hash === undefined) this.uploads.set(task.upload, (hash = createHash('sha256')));
        hash.update(data);
        appendFileSync(task.path, data);
        return { kind: 'append' };
      }
      case 'digest': {
        const hash = this.uploads.get(task.upload) ?? createHash('sha256');
        this.uploads.delete(task.upload);
        return { kind: 'digest', sha256: hash.digest('hex') };
      }
    }
  }
}

/** A part body, hashed, with its layerPartBlob string found and decoded. */
export interface DecodedPart {
  /** Hex sha256 of the whole body as received. */
  sha256: string;
  /** Where the string's closing quote is in the body, or -1 when there is none. */
  blobEnd: number;
  /** Bytes decoded, written from blobStart on. */
  written: number;
  /** Why the string is not valid base64. */
  problem?: string;
}

/** Base64 characters handled per slice: a multiple of 4, well under V8's 128 KiB large-object size. */
const DECODE_SLICE = 64 * 1024;
/** The JSON string delimiter, which ends layerPartBlob. */
export const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Hashes `body` and decodes the JSON string that starts at `blobStart`, a slice at a time: each
 * slice is hashed, searched for the closing quote, checked and decoded while it is in cache (a
 * pass over the whole 27 MiB body for each of these cost a read of it from memory each). Decoded
 * bytes are written from `blobStart` on; they stay behind the text still to be hashed and read,
 * as four characters make three bytes. Strict, as ECR's JSON reader is: whole groups of four,
 * padding only at the very end, nothing outside the alphabet, no escapes.
 */
export function hashAndDecode(body: Buffer, blobStart: number): DecodedPart {
  const hash = createHash('sha256').update(body.subarray(0, blobStart));
  let blobEnd = -1;
  let written = 0;
  let problem: string | undefined;
  let o = blobStart;
  for (; blobEnd < 0 && o < body.length; o += DECODE_SLICE) {
    const slice = body.subarray(o, Math.min(o + DECODE_SLICE, body.length));
    hash.update(slice); // before this slice's bytes can be overwritten by its own decoding
    const quote = slice.indexOf(QUOTE);
    if (quote >= 0) blobEnd = o + quote;
    if (problem !== undefined) continue;
    const text = quote >= 0 ? slice.subarray(0, quote) : slice;
    const decoded = decodeSlice(text, body, blobStart + written, quote >= 0);
    if (typeof decoded === 'number') written += decoded;
    else problem = decoded.problem;
  }
  hash.update(body.subarray(o));
  if (blobEnd < 0) problem = 'Unterminated or truncated layerPartBlob';
  return { sha256: hash.digest('hex'), blobEnd, written, ...(problem !== undefined ? { problem } : {}) };
}

/** Decodes one slice of base64 text to out[at…); `last` when the string ends with it. */
function decodeSlice(text: Buffer, out: Buffer, at: number, last: boolean): number | { problem: string } {
  if (text.indexOf(BACKSLASH) >= 0) return { problem: 'Escaped characters are not valid base64 in layerPartBlob' };
  if (text.length % 4 !== 0) return { problem: 'Invalid base64 length in layerPartBlob' };
  // Node's decoder also takes the URL-safe alphabet, which the blob member is not.
  if (text.indexOf(0x2d /* - */) >= 0 || text.indexOf(0x5f /* _ */) >= 0) return { problem: 'Invalid base64 in layerPartBlob' };
  const slice = text.toString('latin1');
  const padding = slice.endsWith('==') ? 2 : slice.endsWith('=') ? 1 : 0;
  const expected = (slice.length / 4) * 3 - padding;
  if (padding > 0 && !last) return { problem: 'Invalid base64 in layerPartBlob' };
  const n = out.write(slice, at, 'base64');
  return n === expected ? n : { problem: 'Invalid base64 in layerPartBlob' };
}

/** A Buffer over the same memory as a view that crossed to or from a worker. */
export function bytes(view: Uint8Array): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
