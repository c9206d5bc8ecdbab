/**
 * The byte work of UploadLayerPart, done on the emulator's worker threads: the SigV4 hash of the
 * body, decoding `layerPartBlob`, and each upload's running sha256 and file. ECR does this work
 * on its own machines; here it shares the pusher's cores, so it runs beside the event loop
 * instead of on it. Buffers travel as views of SharedArrayBuffers, never copied.
 */
import { createHash, type Hash } from 'node:crypto';
import { appendFileSync } from 'node:fs';

export type Task =
  /** Hash the whole body, then decode body[blobStart, blobEnd) from base64 in place, to body[blobStart…). */
  | { kind: 'part'; body: Uint8Array; blobStart: number; blobEnd: number }
  /** Add a validated part to its upload's sha256 and append it to the upload's file. */
  | { kind: 'append'; upload: string; path: string; data: Uint8Array }
  /** The upload's sha256 (hex); the upload is forgotten. */
  | { kind: 'digest'; upload: string };

export type Outcome =
  | { kind: 'part'; sha256: string; written: number; problem?: string }
  | { kind: 'append' }
  | { kind: 'digest'; sha256: string };

/** Base64 characters decoded per string: a multiple of 4, well under V8's 128 KiB large-object size. */
const DECODE_SLICE = 64 * 1024;

/** Runs tasks; holds the running hashes of the uploads given to this worker. */
export class PartWork {
  private readonly uploads = new Map<string, Hash>();

  run(task: Task): Outcome {
    switch (task.kind) {
      case 'part': {
        const body = bytes(task.body);
        const sha256 = createHash('sha256').update(body).digest('hex');
        const decoded = decodeBase64(body.subarray(task.blobStart, task.blobEnd), body.subarray(task.blobStart));
        return typeof decoded === 'number' ? { kind: 'part', sha256, written: decoded } : { kind: 'part', sha256, written: 0, problem: decoded.problem };
      }
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

/**
 * Decodes base64 text into `out`; strict, as ECR's JSON reader is: whole groups of four, padding
 * only at the very end, nothing outside the alphabet. Returns the bytes written. `out` may start
 * where `text` does: each slice is copied into a string before its bytes are written, and the
 * bytes written stay behind the text still to be read.
 */
export function decodeBase64(text: Buffer, out: Buffer): number | { problem: string } {
  if (text.length % 4 !== 0) return { problem: 'Invalid base64 length in layerPartBlob' };
  let written = 0;
  // Strings of 128 KiB and more go to V8's large-object space and decode many times slower.
  for (let o = 0; o < text.length; o += DECODE_SLICE) {
    const chunk = text.subarray(o, Math.min(o + DECODE_SLICE, text.length));
    // Node's decoder also takes the URL-safe alphabet, which the blob member is not. Checked a
    // slice at a time, while the slice is in cache for its decode: a scan of the whole 27 MiB
    // body beforehand cost two more passes through memory.
    if (chunk.indexOf(0x2d /* - */) >= 0 || chunk.indexOf(0x5f /* _ */) >= 0) return { problem: 'Invalid base64 in layerPartBlob' };
    const slice = chunk.toString('latin1');
    const last = o + DECODE_SLICE >= text.length;
    const padding = slice.endsWith('==') ? 2 : slice.endsWith('=') ? 1 : 0;
    const expected = (slice.length / 4) * 3 - padding;
    if ((padding > 0 && !last) || written + expected > out.length) return { problem: 'Invalid base64 in layerPartBlob' };
    const n = out.write(slice, written, 'base64');
    if (n !== expected) return { problem: 'Invalid base64 in layerPartBlob' };
    written += n;
  }
  return written;
}

/** A Buffer over the same memory as a view that crossed to or from a worker. */
export function bytes(view: Uint8Array): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
