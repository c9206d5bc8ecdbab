import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { TarTree } from '../../src/image/tar-tree.js';
import { collect } from '../../src/image/tree.js';
import { writeTar } from './make-tar.js';

const dir = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
async function tree(items: Parameters<typeof writeTar>[1]): Promise<TarTree> {
  const file = join(dir, `t${n++}.tar`);
  await writeTar(file, items);
  return TarTree.open(file, file);
}

describe('reading files inside a tar without extracting it', () => {
  it('reads a file and a byte range of it from its offset in the tar', async () => {
    const t = await tree([{ name: 'a.txt', data: 'x'.repeat(700) }, { name: 'b.txt', data: '0123456789' }]);
    expect((await collect(t.stream('b.txt'))).toString()).toBe('0123456789');
    expect((await collect(t.stream('b.txt', 2, 3))).toString()).toBe('234');
    expect(t.size('a.txt')).toBe(700);
  });

  it('reads several files of one tar at the same time', async () => {
    const names = ['one', 'two', 'three', 'four'];
    const t = await tree(names.map((name) => ({ name, data: name.repeat(5000) })));
    const texts = await Promise.all(names.map(async (name) => (await collect(t.stream(name))).toString()));
    expect(texts).toEqual(names.map((name) => name.repeat(5000)));
  });

  it('follows a relative symlink and a hard link to another entry, like docker save layer.tar links', async () => {
    const t = await tree([
      { name: 'aaa/layer.tar', data: 'layer bytes' },
      { name: 'bbb/layer.tar', symlink: '../aaa/layer.tar' },
      { name: 'ccc/layer.tar', hardlink: 'aaa/layer.tar' },
    ]);
    expect((await collect(t.stream('bbb/layer.tar'))).toString()).toBe('layer bytes');
    expect((await collect(t.stream('ccc/layer.tar'))).toString()).toBe('layer bytes');
  });

  it('refuses an archive with a symlink that leaves it, naming the link, even when nothing uses it', async () => {
    await expect(tree([{ name: 'a', data: 'a' }, { name: 'x/layer.tar', symlink: '../../etc/passwd' }])).rejects.toThrow(
      /x\/layer\.tar links outside the archive \(\.\.\/\.\.\/etc\/passwd\)$/,
    );
    await expect(tree([{ name: 'y', hardlink: '../y' }])).rejects.toThrow(InputError);
  });

  it('refuses two entries with the same file name, since readers disagree on which one counts', async () => {
    await expect(tree([{ name: 'index.json', data: '{}' }, { name: 'index.json', data: '[]' }])).rejects.toThrow(/duplicate entry index\.json/);
    const dirs = await tree([{ name: 'blobs', dir: true }, { name: 'blobs', dir: true }, { name: 'blobs/x', data: 'x' }]);
    expect(dirs.size('blobs/x')).toBe(1);
  });

  it('resolves an absolute symlink inside the archive, never on the host', async () => {
    const t = await tree([{ name: 'etc/passwd', data: 'inside' }, { name: 'link', symlink: '/etc/passwd' }]);
    expect((await collect(t.stream('link'))).toString()).toBe('inside');
  });

  it('reports a symlink loop instead of following it forever', async () => {
    const t = await tree([{ name: 'a', symlink: 'b' }, { name: 'b', symlink: 'a' }]);
    expect(() => t.size('a')).toThrow(/link loop at a/);
  });

  it('keeps names longer than 100 characters (pax / ustar prefix)', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const t = await tree([{ name: long, data: 'deep' }]);
    expect((await collect(t.stream(long))).toString()).toBe('deep');
  });

  it('says the tar is truncated when an entry runs past the end of the file', async () => {
    const file = join(dir, 'cut.tar');
    await writeTar(file, [{ name: 'big', data: Buffer.alloc(4096, 1) }]);
    truncateSync(file, 2000);
    await expect(TarTree.open(file, 'cut.tar')).rejects.toThrow(/^cut\.tar: truncated tar archive/);
  });

  it('says the tar is truncated when it ends inside a header', async () => {
    const file = join(dir, 'cut-header.tar');
    await writeTar(file, [{ name: 'a', data: 'abc' }, { name: 'b', data: 'def' }]);
    truncateSync(file, 1024 + 100); // a's header and data, then the first 100 bytes of b's header
    await expect(TarTree.open(file, 'cut-header.tar')).rejects.toThrow(/^cut-header\.tar: truncated tar archive/);
  });

  it('accepts a tar that ends after its last entry without the end-of-archive blocks, as docker load does', async () => {
    const file = join(dir, 'no-trailer.tar');
    await writeTar(file, [{ name: 'a', data: 'abc' }, { name: 'b', data: 'def' }]);
    truncateSync(file, 2048);
    const t = await TarTree.open(file, 'no-trailer.tar');
    expect((await collect(t.stream('b'))).toString()).toBe('def');
  });
});
