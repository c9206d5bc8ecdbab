/**
 * Readers and streams, converted both ways: tests and the benchmark feed Readables to code that
 * pulls ByteReaders (uploads, the gzip encoder), and write what a reader gives to files.
 */
import { Readable } from 'node:stream';
import type { ByteReader } from '../../src/image/byte-reader.js';

/**
 * A stream as a ByteReader: each chunk is copied into the caller's buffer as it was pushed (the
 * stream is paused after every chunk, so chunks are never joined into a larger copy first).
 */
export function streamReader(stream: Readable): ByteReader {
  let rest: Buffer = Buffer.alloc(0);
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.pause();
  stream.on('data', (chunk: Buffer | string) => {
    rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    stream.pause();
    notify();
  });
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('error', (error) => {
    failure ??= { error };
    notify();
  });
  return {
    async read(into) {
      let filled = 0;
      while (filled < into.length) {
        if (rest.length > 0) {
          const n = rest.copy(into, filled);
          filled += n;
          rest = rest.subarray(n);
          continue;
        }
        if (failure) throw failure.error;
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          stream.resume();
        });
      }
      return filled;
    },
    async close() {
      ended = true;
      stream.destroy();
    },
  };
}

/** What `reader` gives, as a stream of chunks of up to `chunk` bytes; the reader is closed at the end. */
export function readerStream(reader: ByteReader, chunk = 1024 * 1024): Readable {
  return Readable.from((async function* () {
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(chunk);
        const n = await reader.read(buf);
        if (n > 0) yield buf.subarray(0, n);
        if (n < chunk) return;
      }
    } finally {
      await reader.close();
    }
  })());
}

/** Everything `reader` gives, read through one reused buffer of `size` bytes; the reader is closed at the end. */
export async function readAll(reader: ByteReader, size = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(size);
  try {
    for (let n = await reader.read(buf); n > 0; n = await reader.read(buf)) chunks.push(Buffer.from(buf.subarray(0, n)));
  } finally {
    await reader.close();
  }
  return Buffer.concat(chunks);
}
