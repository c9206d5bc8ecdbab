import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/image/open.js';
import { fixture } from './fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;
const nodeHasZstd = typeof (zlib as Record<string, unknown>).createZstdDecompress === 'function';

/** The fixture docker-archive compressed by a command-line tool, named without any extension. */
function compressedWith(tool: string): string {
  const out = join(scratch, `${tool}-archive`);
  writeFileSync(out, execFileSync(tool, ['-c', fixture('docker-archive.tar')], { maxBuffer: 1 << 26 }));
  return out;
}

async function tagsOf(location: string, stdin?: Readable): Promise<string[]> {
  const source = await openSource(location, stdin ? { stdin } : {});
  await source.close();
  return source.images.flatMap((i) => i.tags);
}

describe('compressed archives are recognised by their magic bytes', () => {
  it('a gzip archive without a .gz name is read', async () => {
    const plain = join(scratch, 'gzipped-without-extension');
    writeFileSync(plain, readFileSync(fixture('docker-archive.tar.gz')));
    expect(await tagsOf(plain)).toEqual(await tagsOf(fixture('docker-archive.tar')));
  });

  it.skipIf(!has('bzip2'))('bzip2 stops with one line saying how to decompress first', async () => {
    const file = compressedWith('bzip2');
    await expect(openSource(file)).rejects.toThrow(new RegExp(`^${file} is bzip2-compressed.*bzip2 -dc ${file} \\| ecr-push - REPO:TAG$`));
  });

  it.skipIf(!has('xz'))('xz stops with one line saying how to decompress first', async () => {
    await expect(openSource(compressedWith('xz'))).rejects.toThrow(/is xz-compressed.*xz -dc /);
  });

  it.skipIf(!has('zstd'))(`zstd is ${nodeHasZstd ? 'read with zlib' : 'refused with how to decompress (this Node has no zstd)'}`, async () => {
    const file = compressedWith('zstd');
    if (nodeHasZstd) expect(await tagsOf(file)).toEqual(await tagsOf(fixture('docker-archive.tar')));
    else await expect(openSource(file)).rejects.toThrow(/is zstd-compressed.*zstd -dc /);
  });
});

describe('standard input and the private temporary file', () => {
  it('- reads an archive from standard input', async () => {
    const stdin = Readable.from([readFileSync(fixture('oci-archive.tar'))]);
    expect(await tagsOf('-', stdin)).toEqual(['v1']);
  });

  it.skipIf(!has('mkfifo'))('a named pipe (like <(xz -dc image.tar.xz)) is read once, like standard input', async () => {
    const fifo = join(scratch, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', fixture('docker-archive.tar.gz'), fifo]);
    const written = new Promise((done) => writer.once('exit', done));
    expect(await tagsOf(fifo)).toEqual(await tagsOf(fixture('docker-archive.tar')));
    await written;
  });

  it('standard input that is a terminal is refused at once instead of waiting for bytes', async () => {
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    await expect(openSource('-', { stdin: tty })).rejects.toThrow(/^standard input is a terminal, not an image archive/);
  });

  it('a truncated gzip stream is an input error naming the stream', async () => {
    const gz = readFileSync(fixture('docker-archive.tar.gz'));
    await expect(openSource('-', { stdin: Readable.from([gz.subarray(0, gz.length >> 1)]) })).rejects.toThrow(/^standard input: cannot read the gzip stream \(/);
  });

  it('empty standard input is an input error', async () => {
    await expect(openSource('-', { stdin: Readable.from([]) })).rejects.toThrow(/^standard input is empty/);
  });

  it('the decompressed copy is private (0600) while open and removed by close()', async () => {
    const tmpDir = mkdtempSync(join(scratch, 'tmp-'));
    const source = await openSource(fixture('docker-archive.tar.gz'), { tmpDir });
    const [dir] = readdirSync(tmpDir);
    const file = join(tmpDir, dir!, readdirSync(join(tmpDir, dir!))[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(tmpDir, dir!)).mode & 0o777).toBe(0o700);
    await source.close();
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('the temporary copy is removed when opening fails', async () => {
    const tmpDir = mkdtempSync(join(scratch, 'tmp-'));
    const stdin = Readable.from([zlib.gzipSync(Buffer.from('not a tar at all'.repeat(100)))]);
    await expect(openSource('-', { stdin, tmpDir })).rejects.toThrow(/gzip-decompressed content of standard input is not a tar archive/);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('the temporary copy is removed when the process is stopped by SIGTERM', async () => {
    const tmpDir = mkdtempSync(join(scratch, 'tmp-'));
    const openTs = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'src', 'image', 'open.ts');
    const script = join(scratch, 'hold-open.mts');
    writeFileSync(
      script,
      `const { openSource } = await import(${JSON.stringify(openTs)});
       await openSource(process.argv[2], { tmpDir: process.argv[3] });
       console.log('open');
       setInterval(() => {}, 1000);`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, fixture('docker-archive.tar.gz'), tmpDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    expect(readdirSync(tmpDir)).toHaveLength(1);
    const exit = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    child.kill('SIGTERM');
    expect(await exit).toBe('SIGTERM');
    expect(readdirSync(tmpDir)).toEqual([]);
  });
});
