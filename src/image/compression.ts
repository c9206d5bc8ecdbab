/**
 * Archives wrapped in a compressor (`docker save | gzip`), detected by magic bytes. gzip is read
 * with node:zlib, zstd when the running Node has zlib.createZstdDecompress; the others stop with
 * a message saying how to decompress first.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { createTempFile, type TempFile } from './tempfile.js';

export type Compression = 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

const TOOL: Record<Compression, string> = { gzip: 'gzip -dc', bzip2: 'bzip2 -dc', xz: 'xz -dc', zstd: 'zstd -dc' };
const EXT: Record<Compression, string> = { gzip: 'gz', bzip2: 'bz2', xz: 'xz', zstd: 'zst' };

export function detectCompression(head: Buffer): Compression | undefined {
  return MAGIC.find(([, magic]) => magic.every((b, i) => head[i] === b))?.[0];
}

function decompressor(kind: Compression, label: string): Transform {
  const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (kind === 'gzip') return zlib.createGunzip();
  if (kind === 'zstd' && zstd) return zstd();
  const shown = label === 'standard input' ? `image.tar.${EXT[kind]}` : label;
  throw new InputError(
    `${label} is ${kind}-compressed, which ${kind === 'zstd' ? 'Node before 22.15 cannot read' : 'Node cannot read'}; decompress it first, e.g. ${TOOL[kind]} ${shown} | ecr-push - REPO:TAG`,
  );
}

/**
 * Copy `input` (whose first bytes are `head`, already consumed) into a private temporary file,
 * decompressing it when `kind` is set. The caller removes the file.
 */
export async function spool(
  head: Buffer,
  rest: AsyncIterable<unknown>,
  kind: Compression | undefined,
  label: string,
  opts: { tmpDir?: string; signal?: AbortSignal },
): Promise<TempFile> {
  const steps: NodeJS.ReadWriteStream[] = kind ? [decompressor(kind, label)] : [];
  const temp = createTempFile('image.tar', opts.tmpDir);
  try {
    const source = Readable.from(prepend(head, rest));
    const sink = createWriteStream(temp.path, { mode: 0o600, flags: 'wx' });
    await pipeline([source, ...steps, sink], { signal: opts.signal });
    return temp;
  } catch (err) {
    temp.remove();
    const e = err as NodeJS.ErrnoException;
    if (e instanceof InputError || e.name === 'AbortError') throw e;
    // A file-system error (ENOSPC, EACCES) is about the temporary copy; anything else about the stream.
    if (typeof e.syscall === 'string') {
      throw new InputError(`${label}: cannot copy it to a temporary file in ${opts.tmpDir ?? tmpdir()} (${e.message})`, { cause: e });
    }
    throw new InputError(`${label}: cannot read the ${kind ?? 'archive'} stream (${e.message})`, { cause: e, problem: 'damaged' });
  }
}

async function* prepend(head: Buffer, rest: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** At least the first `n` bytes of a stream (fewer if it ends), and an iterable over the rest. */
export async function peek(stream: Readable, n: number): Promise<{ head: Buffer; rest: AsyncIterable<unknown> }> {
  const it = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const next = await it.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    chunks.push(chunk);
    got += chunk.length;
  }
  return { head: Buffer.concat(chunks), rest: { [Symbol.asyncIterator]: () => it } };
}

/** The first `n` bytes of a file. */
export async function fileHead(path: string, n: number): Promise<Buffer> {
  return (await peek(createReadStream(path, { start: 0, end: n - 1 }), n)).head;
}
