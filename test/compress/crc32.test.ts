import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tableCrc32 } from '../../src/compress/crc32.js';

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

describe('CRC-32 on Node 20 releases without zlib.crc32 (before 20.15)', () => {
  it('gives the gzip trailer the same checksum, whole or continued chunk by chunk', () => {
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the standard check value
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
    const data = randomBytes(200_003);
    const chunked = [0, 1, 4096, 70_000, 200_003].reduce(
      (acc, end, i, ends) => (i === 0 ? acc : tableCrc32(data.subarray(ends[i - 1], end), acc)), 0,
    );
    expect(chunked).toBe(tableCrc32(data));
    if (native) expect(tableCrc32(data)).toBe(native(data));
  });
});
