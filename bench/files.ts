/** Small file helpers for the benchmark: write a stream while hashing it. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
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
