/**
 * A fresh CI runner (empty compression cache) pushing a changed build of an image whose layers
 * are gzipped on the way: the layers whose content the image under the tag already has are
 * compressed first and not uploaded again; everything else goes as before.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PutImageCommand } from '@aws-sdk/client-ecr';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ecrClient } from '../emulator/sdk.js';
import { cliMissing, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { writeLayout } from '../helpers/oci-layout.js';
import { scratchDir } from '../helpers/scratch.js';
import { pullSummary, skopeoMissing } from '../helpers/skopeo.js';

const RAW = 'application/vnd.oci.image.layer.v1.tar';
const TGZ = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MiB = 1024 * 1024;
const skip = cliMissing();
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// Two large layers that stay the same between builds (noise, and text that deflate shrinks) and
// a small top layer that changes.
const noise = randomBytes(3 * MiB);
const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} of a text layer that deflates well\n`).join(''));
const top = (build: string): Buffer => Buffer.from(`build ${build}\n`.repeat(2000));

describe.skipIf(skip)(`a changed image pushed from a fresh runner${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator();

  /** Push `dir` to `repo` (tag v1 unless `repo` has one) with an empty compression cache. */
  async function push(dir: string, repo: string, ...args: string[]) {
    const before = ctx.emu.calls.length;
    const destination = repo.includes(':') ? repo : `${repo}:v1`;
    repo = destination.slice(0, destination.indexOf(':'));
    const run = await runCli([dir, destination, '--create-repository', '--json', ...args], {
      env: { ...ctx.env, XDG_CACHE_HOME: scratchDir('ecr-push-fresh-runner') },
    });
    expect(run.code, run.stderr).toBe(0);
    const calls = ctx.emu.calls.slice(before).filter((c) => c.repository === repo);
    const count = (call: string): number => calls.filter((c) => c.call === call && !c.error).length;
    return { run, result: JSON.parse(run.stdout) as { status: string; digest: string; blobs: Record<string, number> }, count };
  }

  it('uploads only the changed layer and the config, and the image pulls back with every digest verified', async () => {
    const repo = 'fresh/changed';
    await push((await writeLayout([noise, text, top('1')], RAW)).dir, repo);
    const second = await push((await writeLayout([noise, text, top('2')], RAW)).dir, repo);
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { total: 4, uploaded: 2, skipped: 2 } });
    expect(second.count('InitiateLayerUpload')).toBe(2);
    expect(second.count('GetDownloadUrlForLayer')).toBe(1);
    expect(second.run.stderr).toMatch(/compressing 2 layer\(s\) first, to see whether ECR has them/);
    expect(second.run.stderr.match(/^compressing sha256:\S+ [\d.]+ MiB first, to see whether ECR has it$/gm)).toHaveLength(2);
    expect(second.run.stderr.match(/^skipped sha256:\S+ as sha256:\S+ .*already in the repository/gm)).toHaveLength(2);
    expect(ctx.emu.tags(repo)).toEqual({ v1: second.result.digest });
    if (!skopeoMissing()) {
      const pulled = await pullSummary(`docker://${ctx.emu.registryHost}/${repo}:v1`);
      expect(pulled.platforms[0]?.diffIds).toEqual([noise, text, top('2')].map(sha256));
    }
  });

  it('uploads only the config of a rebuild whose layers are all unchanged', async () => {
    const repo = 'fresh/config-only';
    await push((await writeLayout([noise, text], RAW)).dir, repo);
    const second = await push((await writeLayout([noise, text], RAW, undefined, { build: '2' })).dir, repo);
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { total: 3, uploaded: 1, skipped: 2 } });
    expect(second.count('InitiateLayerUpload')).toBe(1);
  });

  it('with --layers-from, finds its layers in an earlier build under a tag of its own (by digest or tag)', async () => {
    const repo = 'fresh/own-tags';
    const first = await push((await writeLayout([noise, text, top('1')], RAW)).dir, `${repo}:build-1`);
    const unaided = await push((await writeLayout([noise, text, top('2')], RAW)).dir, `${repo}:build-2`);
    expect(unaided.count('InitiateLayerUpload')).toBe(4);
    const byDigest = await push((await writeLayout([noise, text, top('3')], RAW)).dir, `${repo}:build-3`, '--layers-from', first.result.digest);
    expect(byDigest.result).toMatchObject({ status: 'pushed', blobs: { uploaded: 2, skipped: 2 } });
    expect(byDigest.count('InitiateLayerUpload')).toBe(2);
    const byTag = await push((await writeLayout([noise, text, top('4')], RAW)).dir, `${repo}:build-4`, '--layers-from', 'build-3', '--layers-from', 'no-such-tag');
    expect(byTag.count('InitiateLayerUpload')).toBe(2);
    expect(ctx.emu.tags(repo)).toEqual({ 'build-1': first.result.digest, 'build-2': unaided.result.digest, 'build-3': byDigest.result.digest, 'build-4': byTag.result.digest });
  });

  it('learns from the manifest for its platform when the image it is pointed at is an index', async () => {
    const repo = 'fresh/index';
    const first = await push((await writeLayout([noise, text, top('1')], RAW)).dir, `${repo}:build-1`);
    const manifest = Buffer.from(await (await fetch(`${ctx.emu.endpoint}/v2/${repo}/manifests/${first.result.digest}`)).arrayBuffer());
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: first.result.digest, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    const client = ecrClient(ctx.emu);
    try {
      await client.send(new PutImageCommand({ repositoryName: repo, imageManifest: index, imageTag: 'multi' }));
    } finally {
      client.destroy();
    }
    const second = await push((await writeLayout([noise, text, top('2')], RAW)).dir, `${repo}:build-2`, '--layers-from', 'multi');
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { uploaded: 2, skipped: 2 } });
    expect(second.count('InitiateLayerUpload')).toBe(2);
  });

  it('without ecr:GetDownloadUrlForLayer, compresses and uploads every layer as before', async () => {
    const repo = 'fresh/denied';
    await push((await writeLayout([noise, text, top('1')], RAW)).dir, repo);
    ctx.emu.addFault({ call: 'GetDownloadUrlForLayer', kind: { exception: 'AccessDeniedException', message: 'not authorized to perform: ecr:GetDownloadUrlForLayer' } });
    try {
      const second = await push((await writeLayout([noise, text, top('2')], RAW)).dir, repo);
      // Every layer's bytes are sent again: ECR then answers LayerAlreadyExistsException for the
      // two it had, which the result counts as skipped.
      expect(second.result).toMatchObject({ status: 'pushed', blobs: { total: 4, uploaded: 2, skipped: 2 } });
      expect(second.count('InitiateLayerUpload')).toBe(4);
      expect(second.run.stderr).not.toMatch(/compressing \d+ layer\(s\) first/);
    } finally {
      ctx.emu.clearFaults();
    }
  });

  it('when the image under the tag was gzipped by another encoder, compresses ahead only until a layer differs', async () => {
    const repo = 'fresh/other-encoder';
    const layers = [noise, text, top('1')];
    await push((await writeLayout(layers.map((l) => gzipSync(l, { level: 9 })), TGZ, layers.map(sha256))).dir, repo);
    const second = await push((await writeLayout([noise, text, top('2')], RAW)).dir, repo, '--concurrency', '1');
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { uploaded: 4, skipped: 0 } });
    expect(second.count('InitiateLayerUpload')).toBe(4);
    expect(second.run.stderr.match(/gzips to another digest than the layer of the same content in the repository/g)).toHaveLength(1);
  });

  it('says once that the stored image was gzipped by another encoder, though layers compressed side by side each find it out', async () => {
    const repo = 'fresh/other-encoder-parallel';
    const layers = [noise, text, top('1')];
    await push((await writeLayout(layers.map((l) => gzipSync(l, { level: 9 })), TGZ, layers.map(sha256))).dir, repo);
    const second = await push((await writeLayout([noise, text, top('2')], RAW)).dir, repo);
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { uploaded: 4, skipped: 0 } });
    expect(second.run.stderr.match(/gzips to another digest than the layer of the same content in the repository/g)).toHaveLength(1);
  });

  it('compresses nothing ahead when the image under the tag shares no layer content', async () => {
    const repo = 'fresh/unrelated';
    await push((await writeLayout([top('a')], RAW)).dir, repo);
    const second = await push((await writeLayout([noise, top('b')], RAW)).dir, repo);
    expect(second.result).toMatchObject({ status: 'pushed', blobs: { uploaded: 3 } });
    expect(second.run.stderr).not.toMatch(/compress/);
  });
});
