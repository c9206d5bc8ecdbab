/**
 * Byte readers: the bytes of a blob read straight into the caller's own buffers, so an upload can
 * read a 20 MiB part with one positioned read into a buffer it reuses, instead of copying a
 * stream's 64 KiB chunks out of freshly allocated memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BlobVerifier } from './hashing.js';
import { asInputError } from './tree.js';

export interface ByteReader {
  /** Fill `into` with the next bytes: fewer than `into.length` only at the end, 0 once all were read. */
  read(into: Buffer): Promise<number>;
  /** Release the file or stream. Safe to call more than once, and before the end. */
  close(): Promise<void>;
}

/** A byte range of a file. */
export interface FileRange {
  file: string;
  start: number;
  length: number;
}

/**
 * The bytes of `range`, checked by `verifier` when there is one: the read that reaches the end of
 * the range then fails with an InputError naming the blob and `where` unless size and digest
 * match, so nothing can be used as the whole blob before it has been verified.
 */
export function fileRangeReader(range: FileRange, verifier: BlobVerifier | undefined, where: string): ByteReader {
  let fh: Promise<FileHandle> | undefined;
  let done = 0;
  let finished = false;
  const fail = (err: unknown): never => {
    throw asInputError(err, where);
  };
  return {
    async read(into) {
      if (finished) return 0;
      fh ??= open(range.file, 'r');
      const handle = await fh.catch(fail);
      const want = Math.min(into.length, range.length - done);
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await handle.read(into, filled, want - filled, range.start + done + filled).catch(fail);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      done += filled;
      const err = verifier?.update(into.subarray(0, filled));
      if (err) throw err;
      if (filled < want || done === range.length) {
        finished = true;
        const end = verifier?.finish();
        if (end) throw end;
      }
      return filled;
    },
    async close() {
      const handle = fh;
      fh = undefined;
      finished = true;
      await handle?.then((h) => h.close(), () => undefined);
    },
  };
}

/** Read to the end (and so through any verification), through one buffer of `chunk` bytes. */
export async function readToEnd(reader: ByteReader, chunk = 1024 * 1024): Promise<void> {
  const buffer = Buffer.allocUnsafe(chunk);
  try {
    while ((await reader.read(buffer)) === chunk);
  } finally {
    await reader.close();
  }
}
