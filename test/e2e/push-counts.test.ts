/**
 * Call counts through the real CLI against the emulator: how a big layer is cut into parts, that
 * the largest blobs go first, that a re-push uploads nothing, and that a layer shared by two
 * platforms goes up once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../emulator/index.js';
import { bigImage } from '../helpers/big-image.js';
import { cliMissing, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

const MiB = 1024 * 1024;
const big = bigImage();
const skip = cliMissing();

interface Doc {
  manifests?: { digest: string; size: number }[];
  config?: { digest: string; size: number };
  layers?: { digest: string; size: number }[];
}

/** Read a blob of an OCI layout as JSON (the test's own reading, not the code under test). */
function layoutBlob(dir: string, digest: string): Doc {
  return JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Doc;
}

/** Every config and layer blob under an OCI layout's first index entry, with repetitions. */
function blobsOf(dir: string, digest?: string): { digest: string; size: number }[] {
  const doc = digest ? layoutBlob(dir, digest) : (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Doc);
  if (doc.manifests) return digest ? doc.manifests.flatMap((m) => blobsOf(dir, m.digest)) : blobsOf(dir, doc.manifests[0]?.digest);
  return [doc.config!, ...(doc.layers ?? [])];
}

describe.skipIf(skip)(`push call counts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator();

  /** Push with the CLI; returns the emulator calls it made for that repository. */
  async function push(source: string, repo: string, ...args: string[]): Promise<CallRecord[]> {
    const before = ctx.emu.calls.length;
    const run = await runCli([source, `${repo}:v1`, '--create-repository', ...args], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    return ctx.emu.calls.slice(before).filter((c) => c.repository === repo);
  }
  const partSizes = (calls: CallRecord[]): number[] =>
    calls.filter((c) => c.call === 'UploadLayerPart' && !c.error).map((c) => c.bytes ?? -1).sort((a, b) => b - a);

  it.skipIf(big.skip)(`sends a 45 MiB layer as 20 + 20 + 5 MiB parts${big.skip ? ` (skipped: ${big.skip})` : ''}`, async () => {
    const [config, layer] = blobsOf(big.layout!);
    const calls = await push(big.layout!, 'counts/big');
    expect(layer!.size).toBeGreaterThan(45 * MiB);
    expect(partSizes(calls)).toEqual([20 * MiB, 20 * MiB, layer!.size - 40 * MiB, config!.size]);
  });

  it.skipIf(big.skip)('sends it as five parts when ECR offers a 10 MiB part size', async () => {
    ctx.emu.setPartSize(10 * MiB);
    try {
      const [config, layer] = blobsOf(big.layout!);
      const calls = await push(big.layout!, 'counts/big-10');
      expect(partSizes(calls)).toEqual([10 * MiB, 10 * MiB, 10 * MiB, 10 * MiB, layer!.size - 40 * MiB, config!.size]);
    } finally {
      ctx.emu.setPartSize(20 * MiB);
    }
  });

  it.skipIf(big.skip)('keeps an explicit --part-size 20MiB within the 10 MiB part size ECR offers', async () => {
    ctx.emu.setPartSize(10 * MiB);
    try {
      const calls = await push(big.layout!, 'counts/big-cap', '--part-size', '20MiB');
      expect(Math.max(...partSizes(calls))).toBe(10 * MiB);
      expect(calls.filter((c) => c.call === 'UploadLayerPart' && c.error)).toEqual([]);
    } finally {
      ctx.emu.setPartSize(20 * MiB);
    }
  });

  it.each([
    ['an OCI layout', fixture('oci-layout')],
    ['a docker-save archive (layers gzipped on the way)', fixture('docker-archive.tar')],
    ['a gzipped docker-save archive', fixture('docker-archive.tar.gz')],
    ['a two-platform index', fixture('oci-index')],
  ])('a second push of %s is one round of questions: no upload, no PutImage, the tag unchanged', async (_what, source) => {
    const repo = `counts/again-${source.split('/').pop()!.replace(/\./g, '-')}`;
    const first = await push(source, repo);
    expect(first.filter((c) => c.call === 'UploadLayerPart').length).toBeGreaterThan(0);
    const tags = ctx.emu.tags(repo);
    const second = await push(source, repo);
    // One round, with no CreateRepository though --create-repository is passed: which blobs ECR
    // has, which image the tag names (and DescribeRepositories, which the emulator records
    // without a repository).
    expect(second.map((c) => c.call).sort()).toEqual(['BatchCheckLayerAvailability', 'BatchGetImage']);
    expect(ctx.emu.tags(repo)).toEqual(tags);
  });

  it('on a runner with an empty compression cache, a docker-save re-push compresses nothing and is one round', async () => {
    const repo = 'counts/fresh-runner';
    const first = await push(fixture('docker-archive.tar'), repo);
    expect(first.filter((c) => c.call === 'UploadLayerPart').length).toBeGreaterThan(0);
    const tags = ctx.emu.tags(repo);
    const before = ctx.emu.calls.length;
    const run = await runCli([fixture('docker-archive.tar'), `${repo}:v1`, '--json'], {
      env: { ...ctx.env, XDG_CACHE_HOME: scratchDir('ecr-push-empty-cache') },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged', digest: tags.v1 });
    expect(ctx.emu.calls.slice(before).filter((c) => c.repository === repo).map((c) => c.call).sort()).toEqual(['BatchCheckLayerAvailability', 'BatchGetImage']);
    expect(ctx.emu.tags(repo)).toEqual(tags);
  });

  it('uploads the largest blob first and the small config last, one blob at a time with --concurrency 1', async () => {
    const blobs = blobsOf(fixture('oci-layout'));
    const calls = await push(fixture('oci-layout'), 'counts/order', '--concurrency', '1');
    const sent = calls.filter((c) => c.call === 'UploadLayerPart' && !c.error).map((c) => c.bytes);
    expect(sent).toEqual(blobs.map((b) => b.size).sort((a, b) => b - a));
    expect(sent.at(-1)).toBe(blobs[0]!.size);
  });

  it('uploads a layer shared by both platforms of an index once', async () => {
    const all = blobsOf(fixture('oci-index'));
    const distinct = new Set(all.map((b) => b.digest));
    expect(distinct.size).toBeLessThan(all.length);
    const calls = await push(fixture('oci-index'), 'counts/shared');
    expect(calls.filter((c) => c.call === 'InitiateLayerUpload' && !c.error)).toHaveLength(distinct.size);
    expect(calls.filter((c) => c.call === 'CompleteLayerUpload' && !c.error)).toHaveLength(distinct.size);
    expect(ctx.emu.blobDigests('counts/shared')).toEqual([...distinct].sort());
  });

  it('with --dry-run and --create-repository reports a missing repository and uploads, creates and puts nothing', async () => {
    const before = ctx.emu.calls.length;
    const run = await runCli([fixture('oci-layout'), 'counts/dry:v1', '--create-repository', '--dry-run', '--json', '-v'], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/would create repository counts\/dry/);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'dry-run', blobs: { uploaded: blobsOf(fixture('oci-layout')).length } });
    // DescribeRepositories asks whether tags are immutable (here: no such repository yet).
    expect(ctx.emu.calls.slice(before).map((c) => c.call).sort()).toEqual(['BatchCheckLayerAvailability', 'DescribeRepositories']);
  });

  it('with --dry-run on an existing repository reports every missing blob as to be uploaded', async () => {
    ctx.emu.createRepository('counts/dry2');
    const before = ctx.emu.calls.length;
    const run = await runCli([fixture('oci-layout'), 'counts/dry2:v1', '--dry-run', '--json'], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; blobs: { total: number; uploaded: number } };
    expect(result.status).toBe('dry-run');
    expect(result.blobs.uploaded).toBe(blobsOf(fixture('oci-layout')).length);
    // A mutable repository: no tag is looked up.
    expect(ctx.emu.calls.slice(before).map((c) => c.call).sort()).toEqual(['BatchCheckLayerAvailability', 'DescribeRepositories']);
    expect(ctx.emu.tags('counts/dry2')).toEqual({});
  });

  it('pushes a repo@sha256 destination without a tag', async () => {
    const [entry] = (JSON.parse(readFileSync(fixture('oci-layout', 'index.json'), 'utf8')) as Doc).manifests!;
    const run = await runCli([fixture('oci-layout'), `counts/by-digest@${entry!.digest}`, '--create-repository', '--json'], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ digest: entry!.digest, tags: [] });
    expect(ctx.emu.tags('counts/by-digest')).toEqual({});
    const puts = ctx.emu.calls.filter((c) => c.repository === 'counts/by-digest' && c.call === 'PutImage');
    expect(puts.map((c) => [c.imageDigest, c.imageTag])).toEqual([[entry!.digest, undefined]]);
  });
});
