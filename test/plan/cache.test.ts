import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCacheDir, openCompressionCache } from '../../src/plan/cache.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;

describe('the compression cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cache-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('remembers a compressed digest for the next push with the same encoder', async () => {
    const first = await openCompressionCache(dir, 'enc-1');
    first.set(d('a'), { digest: d('b'), size: 42 });
    await first.save();
    expect((await openCompressionCache(dir, 'enc-1')).get(d('a'))).toEqual({ digest: d('b'), size: 42 });
  });

  it('forgets it for another encoder version, whose output may differ', async () => {
    const first = await openCompressionCache(dir, 'enc-1');
    first.set(d('a'), { digest: d('b'), size: 42 });
    await first.save();
    expect((await openCompressionCache(dir, 'enc-2')).get(d('a'))).toBeUndefined();
  });

  it('treats a corrupt cache file as empty', async () => {
    await writeFile(join(dir, 'compressed-layers.json'), '{not json');
    expect((await openCompressionCache(dir, 'enc-1')).get(d('a'))).toBeUndefined();
  });

  it('writes a private file and leaves no temporary file behind', async () => {
    const cache = await openCompressionCache(join(dir, 'sub'), 'enc-1');
    cache.set(d('a'), { digest: d('b'), size: 1 });
    await cache.save();
    expect(await readdir(join(dir, 'sub'))).toEqual(['compressed-layers.json']);
    expect((await stat(join(dir, 'sub', 'compressed-layers.json'))).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'sub', 'compressed-layers.json'), 'utf8')).version).toBe(1);
  });

  it('makes missing folders on the way, and gives up at once on a folder that cannot be made', async () => {
    const deep = await openCompressionCache(join(dir, 'a', 'b', 'c'), 'enc-1');
    deep.set(d('a'), { digest: d('b'), size: 1 });
    await deep.save();
    expect(await readdir(join(dir, 'a', 'b', 'c'))).toEqual(['compressed-layers.json']);
    // Under /proc a folder cannot be made (ENOENT with the parent there), where Node 20's own
    // recursive mkdir never returns; the push must go on without the cache.
    const proc = await openCompressionCache('/proc/no-such-folder/ecr-push', 'enc-1');
    proc.set(d('a'), { digest: d('b'), size: 1 });
    await proc.save();
  }, 10_000);

  it('keeps entries another process saved in the meantime', async () => {
    const one = await openCompressionCache(dir, 'e');
    const two = await openCompressionCache(dir, 'e');
    one.set(d('1'), { digest: d('2'), size: 1 });
    two.set(d('3'), { digest: d('4'), size: 1 });
    await one.save();
    await two.save();
    const three = await openCompressionCache(dir, 'e');
    expect([three.get(d('1'))?.digest, three.get(d('3'))?.digest]).toEqual([d('2'), d('4')]);
  });

  it('lives under XDG_CACHE_HOME when set, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/ecr-push');
    expect(defaultCacheDir({})).toMatch(/\.cache\/ecr-push$/);
  });
});
