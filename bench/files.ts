/** Small file helpers for the benchmark: write a stream while hashing it; read files into the page cache. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Written {
  /** `sha256:<hex>` of the bytes written. */
  digest: string;
  size: number;
}

/** Write `source` (through the optional transforms) to `file`, atomically, returning its digest and size. */
export async function writeHashed(source: NodeJS.ReadableStream, file: string, ...through: Transform[]): Promise<Written> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const partial = `${file}.partial`;
  await pipeline([source, ...through, tap, createWriteStream(partial)]);
  await rename(partial, file);
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Read the files once, so the push that follows finds them in the page cache, as a CI step does
 * with the image the step before it wrote. On the benchmark's virtual machine, memory reclaim
 * evicts a changing share of the images between runs, and disk reads would otherwise decide
 * more of the comparison than the pushers do.
 */
export async function warmPageCache(files: string[]): Promise<void> {
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      while ((await handle.read(buffer, 0, buffer.length, null)).bytesRead > 0);
    } finally {
      await handle.close();
    }
  }
}
