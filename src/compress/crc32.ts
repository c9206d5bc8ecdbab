/**
 * CRC-32 (the gzip trailer's checksum), continued from `value`. zlib.crc32 exists from Node
 * 20.15 and 22.2; on older Node 20 releases a table-driven version computes the same numbers,
 * more slowly, so a gzip push works on every Node the package accepts.
 */
import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The table-driven CRC-32, the same function as zlib's. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  const t = crcTable();
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = native ? (data, value) => native(data, value) : tableCrc32;
