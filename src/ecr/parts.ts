/**
 * Cut a byte stream into parts of exactly `partSize` bytes (the last one shorter). A generator
 * reads one part at a time, so a caller that asks for the next part while sending the previous
 * one holds at most two parts in memory.
 *
 * With `reuse`, parts are written into two buffers taken in turn instead of a new buffer each, so
 * a push does not pay for fresh pages per part: a yielded part then stays valid only until the
 * generator has been resumed twice more (the one-part read-ahead of `upload.ts`).
 */
import type { Readable } from 'node:stream';

export async function* partsOf(stream: Readable, partSize: number, reuse = false): AsyncGenerator<Buffer> {
  const ring: Buffer[] = [];
  let turn = 0;
  /** The pending chunks joined into one part of `size` bytes. */
  const join = (chunks: Buffer[], size: number): Buffer => {
    if (!reuse) return Buffer.concat(chunks, size);
    const out = (ring[turn % 2] ??= Buffer.allocUnsafeSlow(partSize));
    turn++;
    let at = 0;
    for (const c of chunks) at += c.copy(out, at);
    return out.subarray(0, size);
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    while (pendingBytes + buf.length >= partSize) {
      const take = partSize - pendingBytes;
      pending.push(buf.subarray(0, take));
      yield join(pending, partSize);
      buf = buf.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (buf.length > 0) {
      pending.push(buf);
      pendingBytes += buf.length;
    }
  }
  if (pendingBytes > 0) yield join(pending, pendingBytes);
}
