import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { partsOf } from '../../src/ecr/parts.js';

/** A stream of `bytes` in chunks of `chunk` bytes. */
const streamOf = (bytes: Buffer, chunk: number): Readable =>
  Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  })());

/** Read parts as upload.ts does: the next part is requested before the current one is used. */
async function readOneAhead(parts: AsyncGenerator<Buffer>): Promise<Buffer[]> {
  const seen: Buffer[] = [];
  let next = parts.next();
  for (;;) {
    const r = await next;
    if (r.done) return seen;
    next = parts.next();
    seen.push(Buffer.from(r.value));
  }
}

describe('cutting a blob into parts', () => {
  it.each([false, true])('gives parts of exactly the part size, the last one shorter, with the source bytes in order (reuse: %s)', async (reuse) => {
    const bytes = randomBytes(10_000);
    const parts = await readOneAhead(partsOf(streamOf(bytes, 333), 3000, reuse));
    expect(parts.map((p) => p.length)).toEqual([3000, 3000, 3000, 1000]);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('writes parts into two buffers in turn when reusing, so a push allocates no new part buffers', async () => {
    const gen = partsOf(streamOf(randomBytes(9000), 1000), 3000, true);
    const buffers: ArrayBufferLike[] = [];
    for await (const part of gen) buffers.push(part.buffer);
    expect(buffers[2]).toBe(buffers[0]);
    expect(buffers[1]).not.toBe(buffers[0]);
  });
});
