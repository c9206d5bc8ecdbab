/**
 * Deflate "stored" blocks (RFC 1951 §3.2.4): the bytes copied as they are, in pieces of at most
 * 65535 bytes, each behind a 5-byte header. Used for data that does not compress, so it costs a
 * copy-free header per piece instead of a deflate pass.
 */

/** Largest payload of one stored block. */
export const MAX_STORED = 0xffff;

/** Bytes a stored encoding of `length` input bytes takes (an empty input still needs one header). */
export function storedSize(length: number): number {
  return length + 5 * Math.max(1, Math.ceil(length / MAX_STORED));
}

/**
 * Encode `data` as stored blocks, starting at a byte boundary. `final` sets BFINAL on the last
 * piece. Returns header and payload buffers in order; payloads are views of `data`, not copies.
 */
export function storedBlocks(data: Buffer, final: boolean): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  do {
    const len = Math.min(MAX_STORED, data.length - offset);
    const last = offset + len >= data.length;
    const header = Buffer.allocUnsafe(5);
    header[0] = final && last ? 1 : 0; // BFINAL bit, BTYPE 00; the rest of the byte is padding
    header.writeUInt16LE(len, 1);
    header.writeUInt16LE(~len & 0xffff, 3);
    out.push(header);
    if (len > 0) out.push(data.subarray(offset, offset + len));
    offset += len;
  } while (offset < data.length);
  return out;
}
