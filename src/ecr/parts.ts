/**
 * Cut a byte stream into parts of exactly `partSize` bytes (the last one shorter). A generator
 * reads one part at a time, copying each chunk into the part as it arrives, so a caller that
 * asks for the next part while sending the previous one holds at most two parts in memory.
 *
 * With `reuse`, parts are written into two buffers taken in turn instead of a new buffer each, so
 * a push does not pay for fresh pages per part: a yielded part then stays valid only until the
 * generator has been resumed twice more (the one-part read-ahead of `upload.ts`).
 */
import type { Readable } from 'node:stream';

export async function* partsOf(stream: Readable, partSize: number, reuse = false): AsyncGenerator<Buffer> {
  const ring: Buffer[] = [];
  let turn = 0;
  const nextBuffer = (): Buffer => {
    if (!reuse) return Buffer.allocUnsafe(partSize);
    const buf = (ring[turn % 2] ??= Buffer.allocUnsafeSlow(partSize));
    turn++;
    return buf;
  };
  let part: Buffer | undefined;
  let filled = 0;
  for await (const chunk of stream) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    while (buf.length > 0) {
      part ??= nextBuffer();
      const copied = buf.copy(part, filled);
      filled += copied;
      buf = buf.subarray(copied);
      if (filled === partSize) {
        yield part;
        part = undefined;
        filled = 0;
      }
    }
  }
  if (part !== undefined && filled > 0) yield part.subarray(0, filled);
}
