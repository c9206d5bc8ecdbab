/**
 * What a push takes on trust and what it checks, through the real CLI against the emulator: the
 * local blobs ECR already has, the compression cache, and what a dry run reports.
 */
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMissing, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

const skip = cliMissing();

interface Result {
  status: string;
  digest?: string;
  manifests: { digest: string }[];
  blobs: { uploaded: number; skipped: number };
}

interface CacheFile {
  entries: Record<string, { digest: string; size: number }>;
}

describe.skipIf(skip)(`what a push trusts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator();

  /** The CLI with its own compression cache under `cacheHome`. */
  function cli(cacheHome: string, ...args: string[]) {
    return runCli(args, { env: { ...ctx.env, XDG_CACHE_HOME: cacheHome } });
  }

  async function pushJson(cacheHome: string, ...args: string[]): Promise<Result> {
    const run = await cli(cacheHome, ...args, '--json');
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Result;
  }

  function editCache(cacheHome: string, edit: (entries: CacheFile['entries'], keys: string[]) => void): void {
    const file = join(cacheHome, 'ecr-push', 'compressed-layers.json');
    const cache = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    const keys = Object.keys(cache.entries).sort();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    edit(cache.entries, keys);
    writeFileSync(file, JSON.stringify(cache));
  }

  it('refuses a layout whose blob is truncated locally, even when ECR already has that blob, and puts nothing', async () => {
    const cacheHome = scratchDir('trust-cache');
    await pushJson(cacheHome, fixture('oci-layout'), 'trust/cut:v1', '--create-repository');
    const copy = join(scratchDir('trust-layout'), 'layout');
    cpSync(fixture('oci-layout'), copy, { recursive: true });
    const index = JSON.parse(readFileSync(join(copy, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(copy, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as {
      layers: { digest: string; size: number }[];
    };
    const layer = manifest.layers[0]!;
    truncateSync(join(copy, 'blobs', 'sha256', layer.digest.slice(7)), layer.size - 1);
    const run = await cli(cacheHome, copy, 'trust/cut:v2');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`has ${layer.size - 1} bytes, expected ${layer.size}`);
    expect(ctx.emu.tags('trust/cut')).not.toHaveProperty('v2');
  });

  it('does not trust a compression cache entry that names another layer\'s compressed blob: the image put is the right one', async () => {
    const cacheHome = scratchDir('trust-cache');
    const first = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/swap:v1', '--create-repository');
    editCache(cacheHome, (entries, [a, b]) => {
      entries[a!] = { ...entries[b!]! };
    });
    const again = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/swap:v2');
    expect(again.digest).toBe(first.digest);
  });

  it('does not trust a compression cache entry whose size ECR does not confirm: the image put is the right one', async () => {
    const cacheHome = scratchDir('trust-cache');
    const first = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/size:v1', '--create-repository');
    editCache(cacheHome, (entries, [a]) => {
      entries[a!] = { ...entries[a!]!, size: entries[a!]!.size + 1 };
    });
    const again = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/size:v2');
    expect(again.digest).toBe(first.digest);
  });

  it('compresses a layer after all when its cache entry turns out to name another layer of the image: the image put is the right one', async () => {
    const cacheHome = scratchDir('trust-cache');
    const first = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/moved:v1', '--create-repository');
    editCache(cacheHome, (entries, [a, b]) => {
      entries[a!] = { ...entries[b!]! };
      delete entries[b!];
    });
    const run = await cli(cacheHome, fixture('docker-archive.tar'), 'trust/moved:v2', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/compression cache was wrong about 1 layer/);
    expect((JSON.parse(run.stdout) as Result).digest).toBe(first.digest);
  });

  it('reports no digest in a dry run when a cache entry is contradicted by ECR, rather than a wrong one', async () => {
    const cacheHome = scratchDir('trust-cache');
    const first = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/drysize:v1', '--create-repository');
    editCache(cacheHome, (entries, [a]) => {
      entries[a!] = { ...entries[a!]!, size: entries[a!]!.size + 1 };
    });
    const dry = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/drysize:v2', '--dry-run');
    expect(dry).toMatchObject({ status: 'dry-run', manifests: [], blobs: { uploaded: 1 } });
    expect(dry).not.toHaveProperty('digest');
    expect((await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/drysize:v2')).digest).toBe(first.digest);
  });

  it('reports in a dry run the manifest digest the push will put, and none while layers still have to be gzipped', async () => {
    const cacheHome = scratchDir('trust-cache');
    ctx.emu.createRepository('trust/dry');
    const blind = await cli(cacheHome, fixture('docker-archive.tar'), 'trust/dry:v1', '--dry-run', '--json');
    expect(blind.code, blind.stderr).toBe(0);
    expect(JSON.parse(blind.stdout)).toMatchObject({ status: 'dry-run', manifests: [] });
    expect(JSON.parse(blind.stdout)).not.toHaveProperty('digest');
    expect(blind.stderr).toMatch(/digest is known only once the uncompressed layers are gzipped/);

    const pushed = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/dry:v1');
    const dry = await pushJson(cacheHome, fixture('docker-archive.tar'), 'trust/dry:v2', '--dry-run');
    expect(dry).toMatchObject({ status: 'dry-run', digest: pushed.digest, blobs: { uploaded: 0 } });
    expect(dry.manifests.map((m) => m.digest)).toEqual(pushed.manifests.map((m) => m.digest));

    const layout = await pushJson(cacheHome, fixture('oci-layout'), 'trust/dry:v3', '--dry-run');
    const index = JSON.parse(readFileSync(fixture('oci-layout', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(layout.digest).toBe(index.manifests[0]!.digest);
    const plain = await cli(cacheHome, fixture('oci-layout'), 'trust/dry:v3', '--dry-run');
    expect(plain.stdout).toBe('');
    expect(ctx.emu.tags('trust/dry')).toEqual({ v1: pushed.digest });
  });
});
