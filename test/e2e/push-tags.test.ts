/**
 * Tags through the real CLI: which tag is chosen when none is given, one PutImage per tag, index
 * children by digest before the index, and immutable tags (unchanged vs. a real conflict, refused
 * before any upload when every tag is held).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../emulator/index.js';
import { cliMissing, runCli, type CliRun } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { fixture, sharedImages } from '../helpers/paths.js';

const skip = cliMissing();
const shared = sharedImages();

describe.skipIf(skip)(`tags${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator({ repositories: [{ name: 'tags/fixed', imageTagMutability: 'IMMUTABLE' }] });

  async function push(source: string, destination: string, ...args: string[]): Promise<{ run: CliRun; puts: CallRecord[] }> {
    return pushWith(ctx.env, source, destination, ...args);
  }

  async function pushWith(env: Record<string, string>, source: string, destination: string, ...args: string[]): Promise<{ run: CliRun; puts: CallRecord[] }> {
    const before = ctx.emu.calls.length;
    const run = await runCli([source, destination, '--create-repository', '--json', ...args], { env });
    const repo = destination.split(/[:@]/)[0];
    return { run, puts: ctx.emu.calls.slice(before).filter((c) => c.call === 'PutImage' && c.repository === repo) };
  }

  it("uses the source's own tag when none is given, and says which", async () => {
    const { run } = await push(fixture('docker-archive.tar'), 'tags/own');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/using the source's own tag "v1"/);
    expect(Object.keys(ctx.emu.tags('tags/own'))).toEqual(['v1']);
  });

  it.skipIf(!shared)('uses latest when the source has two tags, and says so', async () => {
    const { run } = await push(join(shared ?? '', 'tool-made', 'docker-archive-2tags.tar'), 'tags/two');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/"latest"/);
    expect(Object.keys(ctx.emu.tags('tags/two'))).toEqual(['latest']);
  });

  it('puts the manifest once per tag, each with the same digest', async () => {
    const { run, puts } = await push(fixture('oci-layout'), 'tags/many:a', '-t', 'b', '-t', 'c');
    expect(run.code, run.stderr).toBe(0);
    const digest = (JSON.parse(run.stdout) as { digest: string }).digest;
    expect(puts.map((c) => [c.imageTag, c.imageDigest])).toEqual([['a', digest], ['b', digest], ['c', digest]]);
  });

  it('puts index children by digest without a tag first, then the index with its tags', async () => {
    const { run, puts } = await push(fixture('oci-index'), 'tags/index:v1', '-t', 'v1.0');
    expect(run.code, run.stderr).toBe(0);
    const digest = (JSON.parse(run.stdout) as { digest: string }).digest;
    expect(puts.map((c) => c.imageTag)).toEqual([undefined, undefined, 'v1', 'v1.0']);
    expect(puts.slice(0, 2).every((c) => c.imageDigest !== digest)).toBe(true);
    expect(puts.slice(2).map((c) => c.imageDigest)).toEqual([digest, digest]);
  });

  it('reports an identical re-push to an immutable tag as unchanged (exit 0), asking for the tag once and putting nothing', async () => {
    expect((await push(fixture('oci-layout'), 'tags/fixed:v1')).run.code).toBe(0);
    const before = ctx.emu.calls.length;
    const { run, puts } = await push(fixture('oci-layout'), 'tags/fixed:v1');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged' });
    expect(puts).toEqual([]);
    expect(ctx.emu.calls.slice(before).filter((c) => c.call === 'BatchGetImage')).toHaveLength(1);
  });

  it('fails with exit 11 when an immutable tag names another image, and the tag keeps its image', async () => {
    const before = ctx.emu.tags('tags/fixed');
    const { run } = await push(fixture('oci-index'), 'tags/fixed:v1');
    expect(run.code).toBe(11);
    expect(ctx.emu.tags('tags/fixed').v1).toBe(before.v1);
  });

  it('puts every other tag when an immutable one names another image, then exits 11 saying which were put', async () => {
    ctx.emu.createRepository('tags/some', 'IMMUTABLE');
    expect((await push(fixture('oci-layout'), 'tags/some:held')).run.code).toBe(0);
    const held = ctx.emu.tags('tags/some').held;
    const { run } = await push(fixture('oci-index'), 'tags/some:n1', '-t', 'held', '-t', 'n2');
    expect(run.code, run.stderr).toBe(11);
    const result = JSON.parse(run.stdout) as { status: string; tags: string[]; digest: string };
    expect(result).toMatchObject({ status: 'error', tags: ['n1', 'n2'] });
    expect(run.stderr).toMatch(/tags put: n1, n2; not put: held \(ImageTagAlreadyExistsException\)/);
    const tags = ctx.emu.tags('tags/some');
    expect(tags.held).toBe(held);
    expect(tags.n1).toBeDefined();
    expect(tags.n2).toBe(tags.n1);
    // The digest of the image those tags now name, for a script to use despite the failure.
    expect(result.digest).toBe(tags.n1);
  });

  /** The upload and put calls since `before`. */
  const writesSince = (before: number): string[] =>
    ctx.emu.calls.slice(before).map((c) => c.call).filter((c) => /LayerUpload|UploadLayerPart|PutImage/.test(c));

  it('refuses before any upload when an immutable repository keeps every tag on another image', async () => {
    ctx.emu.createRepository('tags/early', 'IMMUTABLE');
    expect((await push(fixture('oci-layout'), 'tags/early:v1')).run.code).toBe(0);
    const held = ctx.emu.tags('tags/early').v1;
    const before = ctx.emu.calls.length;
    const { run } = await push(fixture('oci-index'), 'tags/early:v1');
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toContain(`tag "v1" already names ${held} in the immutable repository tags/early; nothing was uploaded (ImageTagAlreadyExistsException)`);
    expect(writesSince(before)).toEqual([]);
    expect(ctx.emu.tags('tags/early')).toEqual({ v1: held });
  });

  /** The environment with a compression cache of its own, empty: a fresh CI runner. */
  const freshCache = (): Record<string, string> => ({ ...ctx.env, XDG_CACHE_HOME: mkdtempSync(join(ctx.env.HOME ?? '', 'cache-')) });

  it('refuses a docker-save before compressing or uploading, on a fresh runner, when every tag holds an image with another config', async () => {
    ctx.emu.createRepository('tags/early-save', 'IMMUTABLE');
    // The tag holds the arm64 image; the archive is the amd64 one (another config).
    expect((await push(fixture('oci-index'), 'tags/early-save:v1', '--platform', 'linux/arm64')).run.code).toBe(0);
    const held = ctx.emu.tags('tags/early-save').v1;
    const before = ctx.emu.calls.length;
    const { run } = await pushWith(freshCache(), fixture('docker-archive.tar'), 'tags/early-save:v1');
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toContain(`tag "v1" already names ${held} in the immutable repository tags/early-save; nothing was uploaded`);
    expect(writesSince(before)).toEqual([]);
    expect(ctx.emu.tags('tags/early-save')).toEqual({ v1: held });
  });

  it('refuses a docker-save early when the tag holds an index', async () => {
    ctx.emu.createRepository('tags/early-index', 'IMMUTABLE');
    expect((await push(fixture('oci-index'), 'tags/early-index:v1')).run.code).toBe(0);
    const before = ctx.emu.calls.length;
    const { run } = await pushWith(freshCache(), fixture('docker-archive.tar'), 'tags/early-index:v1');
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toMatch(/nothing was uploaded/);
    expect(writesSince(before)).toEqual([]);
  });

  it('does not refuse a docker-save on a fresh runner whose tag may hold this very image: it compresses, and PutImage finds it unchanged', async () => {
    ctx.emu.createRepository('tags/same-save', 'IMMUTABLE');
    const first = await pushWith(freshCache(), fixture('docker-archive.tar'), 'tags/same-save:v1');
    expect(first.run.code, first.run.stderr).toBe(0);
    const { run } = await pushWith(freshCache(), fixture('docker-archive.tar'), 'tags/same-save:v1');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged', digest: ctx.emu.tags('tags/same-save').v1 });
  });

  it('gives a dry run the same refusal (exit 11), so a pipeline can check a tag before building on it', async () => {
    ctx.emu.createRepository('tags/early-dry', 'IMMUTABLE');
    expect((await push(fixture('oci-layout'), 'tags/early-dry:v1')).run.code).toBe(0);
    const before = ctx.emu.calls.length;
    const { run } = await push(fixture('oci-index'), 'tags/early-dry:v1', '--dry-run');
    expect(run.code, run.stderr).toBe(11);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { name: 'ImageTagAlreadyExistsException', exitCode: 11 } });
    expect(writesSince(before)).toEqual([]);
    // The same image under a tag that is free is a dry run like any other.
    expect((await push(fixture('oci-index'), 'tags/early-dry:v2', '--dry-run')).run.code).toBe(0);
  });

  it('uploads and lets PutImage refuse when DescribeRepositories is not allowed (the early check is optional)', async () => {
    ctx.emu.createRepository('tags/no-describe', 'IMMUTABLE');
    expect((await push(fixture('oci-layout'), 'tags/no-describe:v1')).run.code).toBe(0);
    ctx.emu.addFault({ call: 'DescribeRepositories', kind: { exception: 'AccessDeniedException' } });
    const before = ctx.emu.calls.length;
    try {
      const { run } = await push(fixture('oci-index'), 'tags/no-describe:v1');
      expect(run.code, run.stderr).toBe(11);
      expect(run.stderr).not.toMatch(/nothing was uploaded/);
      expect(writesSince(before)).toContain('CompleteLayerUpload');
    } finally {
      ctx.emu.clearFaults();
    }
  });

  it('without ecr:BatchGetImage, a re-push still ends unchanged (exit 0): PutImage has the last word', async () => {
    expect((await push(fixture('oci-layout'), 'tags/no-get:v1')).run.code).toBe(0);
    ctx.emu.addFault({ call: 'BatchGetImage', kind: { exception: 'AccessDeniedException' } });
    try {
      const { run, puts } = await push(fixture('oci-layout'), 'tags/no-get:v1');
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged', blobs: { uploaded: 0 } });
      expect(puts.map((c) => c.imageTag)).toEqual(['v1']);
    } finally {
      ctx.emu.clearFaults();
    }
  });

  it('leaves an exclusion mode to PutImage: a tag matching an IMMUTABLE_WITH_EXCLUSION filter moves', async () => {
    ctx.emu.createRepository('tags/excl', 'IMMUTABLE_WITH_EXCLUSION', ['dev-*']);
    expect((await push(fixture('oci-layout'), 'tags/excl:dev-1', '-t', 'v1')).run.code).toBe(0);
    const first = ctx.emu.tags('tags/excl').v1;
    const { run } = await push(fixture('oci-index'), 'tags/excl:dev-1');
    expect(run.code, run.stderr).toBe(0);
    expect(ctx.emu.tags('tags/excl')).toEqual({ 'dev-1': JSON.parse(run.stdout).digest, v1: first });
    expect((await push(fixture('oci-index'), 'tags/excl:v1')).run.code).toBe(11);
  });
});
