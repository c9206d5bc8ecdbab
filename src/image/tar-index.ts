/**
 * Index an uncompressed tar file without extracting it: one pass over the headers records each
 * entry's name, data offset, size, type and link target. Data blocks are skipped, never read.
 * Understands ustar, pax extended headers (path, linkpath, size) and GNU long names.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { InputError } from '../errors.js';

export interface TarEntry {
  /** Normalised path inside the archive (no leading `./` or `/`, no trailing `/`). */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the entry's data in the tar file. */
  offset: number;
  size: number;
  linkname?: string;
}

const BLOCK = 512;

/** Normalise a path inside an archive; undefined when it climbs above the archive root. */
export function archivePath(raw: string): string | undefined {
  const n = posix.normalize(raw.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (n === '..' || n.startsWith('../')) return undefined;
  return n === '.' ? '' : n;
}

/** True when the first block of `head` is a tar header (its checksum is right). */
export function looksLikeTar(head: Buffer): boolean {
  return head.length >= BLOCK && checksumOk(head.subarray(0, BLOCK));
}

function checksumOk(h: Buffer): boolean {
  const stored = parseOctal(h.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return stored === sum;
}

function parseOctal(field: Buffer): number {
  if (field[0]! & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more.
    let v = 0;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i]!;
    return v;
  }
  const s = cString(field).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number.parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function typeOf(flag: string): TarEntry['type'] {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/** Read every header of the tar at `path`. `label` names the file in error messages. */
export async function indexTar(path: string, label: string): Promise<Map<string, TarEntry>> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const entries = new Map<string, TarEntry>();
    let offset = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    while (offset + BLOCK <= fileSize) {
      const h = await readAt(fh, offset, BLOCK);
      if (h.every((b) => b === 0)) return entries;
      if (!checksumOk(h)) {
        throw new InputError(`${label}: corrupt tar header at byte ${offset}`, { problem: 'damaged' });
      }
      const flag = String.fromCharCode(h[156]!);
      const size = pax.size !== undefined ? Number(pax.size) : parseOctal(h.subarray(124, 136));
      const dataAt = offset + BLOCK;
      if (dataAt + size > fileSize) {
        throw new InputError(`${label}: truncated tar archive (entry at byte ${offset} needs ${size} bytes, file ends at ${fileSize})`, { problem: 'damaged' });
      }
      offset = dataAt + Math.ceil(size / BLOCK) * BLOCK;
      if (flag === 'x' || flag === 'L' || flag === 'K') {
        const data = await readAt(fh, dataAt, size);
        if (flag === 'x') pax = parsePax(data);
        else if (flag === 'L') longName = cString(data);
        else longLink = cString(data);
        continue;
      }
      const magic = h.subarray(257, 263).toString('latin1');
      const prefix = magic.startsWith('ustar') ? cString(h.subarray(345, 500)) : '';
      const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${cString(h.subarray(0, 100))}` : cString(h.subarray(0, 100)));
      const linkname = pax.linkpath ?? longLink ?? cString(h.subarray(157, 257));
      pax = {};
      longName = longLink = undefined;
      if (flag === 'g') continue;
      const name = archivePath(rawName);
      if (name === undefined || name === '') continue;
      const type = typeOf(flag);
      const earlier = entries.get(name);
      if (earlier && (earlier.type !== 'dir' || type !== 'dir')) {
        // Readers disagree on which copy wins; refuse rather than read what skopeo or docker would not.
        throw new InputError(`${label}: duplicate entry ${name} in the tar archive`);
      }
      entries.set(name, { name, type, offset: dataAt, size, ...(linkname ? { linkname } : {}) });
    }
    if (offset < fileSize || entries.size === 0) {
      throw new InputError(`${label}: truncated tar archive (ends inside a header at byte ${offset})`, { problem: 'damaged' });
    }
    return entries;
  } finally {
    await fh.close();
  }
}
