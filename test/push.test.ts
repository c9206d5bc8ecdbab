/** push() end to end against a stubbed SDK client: the exact command sequence and what PutImage gets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../src/events.js';
import { push } from '../src/push.js';
import { writeLayout } from './helpers/oci-layout.js';
import { fixture } from './helpers/paths.js';
import { scratchDir } from './helpers/scratch.js';
import { ecrException, fakeEcr, stubClient, type StubHandler } from './helpers/stub-ecr.js';

interface Doc {
  manifests?: { digest: string }[];
  config?: { digest: string; size: number };
  layers?: { digest: string; mediaType: string; size: number }[];
}
const layoutJson = (dir: string, digest?: string): Doc =>
  JSON.parse(readFileSync(digest ? join(dir, 'blobs', 'sha256', digest.slice(7)) : join(dir, 'index.json'), 'utf8')) as Doc;

describe('push() against a stubbed ECR client', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = scratchDir('ecr-push-cache');
  });
  const run = (source: string, destination: string, handler: StubHandler) => {
    const client = stubClient(handler);
    const pushing = push({ source, destination, concurrency: 1, cacheDir, internals: { client, upload: { baseMs: 1 } } });
    return { client, pushing };
  };

  /**
   * The calls after the first round, whose requests go together: BatchCheckLayerAvailability,
   * DescribeRepositories (for tag mutability) and, the image's digest being known before
   * sending, BatchGetImage for its tags.
   */
  const FIRST_ROUND = ['BatchCheckLayerAvailability', 'BatchGetImage', 'DescribeRepositories'];
  const afterOpening = (calls: { call: string }[]): string[] => {
    expect(calls.slice(0, 3).map((c) => c.call).sort()).toEqual(FIRST_ROUND);
    return calls.slice(3).map((c) => c.call);
  };

  it('checks every blob, uploads each missing one, largest first, then puts the manifest with its tag', async () => {
    const dir = fixture('oci-layout');
    const manifestDigest = layoutJson(dir).manifests![0]!.digest;
    const m = layoutJson(dir, manifestDigest);
    const { client, pushing } = run(dir, 'app:v1', fakeEcr());
    const result = await pushing;
    const blobs = [m.config!, ...m.layers!].sort((a, b) => b.size - a.size).map((d) => d.digest);
    expect(afterOpening(client.calls)).toEqual([
      ...blobs.flatMap(() => ['InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload']),
      'PutImage',
    ]);
    expect(client.calls.find((c) => c.call === 'BatchCheckLayerAvailability')?.input.layerDigests).toEqual(blobs);
    expect(client.calls.filter((c) => c.call === 'CompleteLayerUpload').map((c) => c.input.layerDigests)).toEqual(blobs.map((b) => [b]));
    const put = client.calls.at(-1)!.input;
    expect(put).toMatchObject({
      repositoryName: 'app', imageTag: 'v1', imageDigest: manifestDigest,
      imageManifest: readFileSync(join(dir, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'),
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(result).toMatchObject({ status: 'pushed', digest: manifestDigest, blobs: { total: 3, uploaded: 3, skipped: 0 } });
  });

  it('uploads nothing when ECR has every blob: one check (beside DescribeRepositories), then PutImage', async () => {
    const dir = fixture('oci-layout');
    const m = layoutJson(dir, layoutJson(dir).manifests![0]!.digest);
    const { client, pushing } = run(dir, 'app:v1', fakeEcr(undefined, [m.config!.digest, ...m.layers!.map((l) => l.digest)]));
    expect((await pushing).blobs).toMatchObject({ uploaded: 0, skipped: 3 });
    expect(afterOpening(client.calls)).toEqual(['PutImage']);
  });

  it('is done after the first round when the tag already names the image: no upload, no PutImage, all reported unchanged', async () => {
    const dir = fixture('oci-layout');
    const handler = fakeEcr();
    const first = await run(dir, 'app:v1', handler).pushing;
    const events: PushEvent[] = [];
    const client = stubClient(handler);
    const again = await push({ source: dir, destination: 'app:v1', concurrency: 1, cacheDir, onEvent: (e) => events.push(e), internals: { client } });
    expect(client.calls.map((c) => c.call).sort()).toEqual(FIRST_ROUND);
    expect(again).toMatchObject({ status: 'unchanged', digest: first.digest, registryId: '123456789012', blobs: { total: 3, uploaded: 0, skipped: 3 } });
    expect(events.filter((e) => e.type === 'blob-skipped')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'manifest')).toEqual([expect.objectContaining({ status: 'unchanged', tag: 'v1', digest: first.digest })]);
  });

  it('on a runner whose compression cache is empty, a re-push of a docker save its tag already names compresses, uploads and puts nothing', async () => {
    const handler = fakeEcr();
    const first = await run(fixture('docker-archive.tar'), 'app:v1', handler).pushing;
    const client = stubClient(handler);
    const events: PushEvent[] = [];
    const again = await push({
      source: fixture('docker-archive.tar'), destination: 'app:v1', concurrency: 1, cacheDir: scratchDir('ecr-push-empty-cache'),
      onEvent: (e) => events.push(e), internals: { client },
    });
    expect(client.calls.map((c) => c.call).sort()).toEqual(FIRST_ROUND);
    expect(again).toMatchObject({ status: 'unchanged', digest: first.digest, blobs: { uploaded: 0, skipped: first.blobs.total } });
    // Each gzip layer is reported under the digest ECR holds it as.
    expect(events.filter((e) => e.type === 'blob-skipped' && e.sentAs !== undefined)).toHaveLength(2);
  });

  it('with an empty compression cache, compresses and pushes after all when the tag names the same config with other layer bytes', async () => {
    const handler = fakeEcr();
    const client = stubClient(handler);
    await push({ source: fixture('docker-archive.tar'), destination: 'app:v1', compression: 'none', cacheDir: scratchDir('ecr-push-cache-none'), internals: { client } });
    const again = run(fixture('docker-archive.tar'), 'app:v1', handler);
    expect(await again.pushing).toMatchObject({ status: 'pushed' });
    const calls = again.client.calls.map((c) => c.call);
    expect(calls.filter((c) => c === 'UploadLayerPart')).toHaveLength(2);
    expect(calls.at(-1)).toBe('PutImage');
  });

  it('still puts the manifest when the tag names another image, and under the tags that do not name it yet', async () => {
    const dir = fixture('oci-layout');
    const handler = fakeEcr();
    await run(fixture('oci-index'), 'app:v1', handler).pushing;
    const moved = run(dir, 'app:v1', handler);
    expect(await moved.pushing).toMatchObject({ status: 'pushed' });
    expect(afterOpening(moved.client.calls)).toEqual(['PutImage']);
    const client = stubClient(handler);
    const events: PushEvent[] = [];
    const more = await push({ source: dir, destination: 'app:v1', tags: ['v2'], concurrency: 1, cacheDir, onEvent: (e) => events.push(e), internals: { client } });
    expect(more).toMatchObject({ status: 'pushed' });
    // v1 names the image already (found in the first round): only v2 gets a PutImage.
    expect(afterOpening(client.calls)).toEqual(['PutImage']);
    expect(client.calls.at(-1)?.input.imageTag).toBe('v2');
    expect(events.filter((e) => e.type === 'manifest').map((e) => e.type === 'manifest' && [e.tag, e.status])).toEqual([['v1', 'unchanged'], ['v2', 'pushed']]);
  });

  it('gzips docker-save layers and puts a manifest listing the pushed gzip digests and media type', async () => {
    const { client, pushing } = run(fixture('docker-archive.tar'), 'app:v1', fakeEcr());
    await pushing;
    const completed = client.calls.filter((c) => c.call === 'CompleteLayerUpload').map((c) => (c.input.layerDigests as string[])[0]);
    const manifest = JSON.parse(String(client.calls.at(-1)!.input.imageManifest)) as Doc & { mediaType: string };
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.layers!.map((l) => l.mediaType)).toEqual(manifest.layers!.map(() => 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
    expect(completed.toSorted()).toEqual([manifest.config!.digest, ...manifest.layers!.map((l) => l.digest)].toSorted());
  });

  it('puts both platform manifests of an index by digest, untagged, before the index with the tag', async () => {
    const { client, pushing } = run(fixture('oci-index'), 'app:v1', fakeEcr());
    const result = await pushing;
    const puts = client.calls.filter((c) => c.call === 'PutImage').map((c) => c.input);
    expect(puts.map((p) => p.imageTag)).toEqual([undefined, undefined, 'v1']);
    expect(puts[2]?.imageDigest).toBe(result.digest);
    const children = (JSON.parse(String(puts[2]?.imageManifest)) as Doc).manifests!.map((c) => c.digest);
    expect(puts.slice(0, 2).map((p) => p.imageDigest)).toEqual(children);
  });

  it('never calls PutImage after a blob fails, and reports the ECR error by name', async () => {
    const ok = fakeEcr();
    const { client, pushing } = run(fixture('oci-layout'), 'app:v1', (call, input, calls) => {
      if (call === 'CompleteLayerUpload') throw ecrException('InvalidLayerException');
      return ok(call, input, calls);
    });
    await expect(pushing).rejects.toMatchObject({ name: 'InvalidLayerException' });
    expect(client.calls.map((c) => c.call)).not.toContain('PutImage');
  });

  it('with --create-repository creates the repository when ECR does not know it, then asks the first round again', async () => {
    const ok = fakeEcr();
    let created = false;
    const client = stubClient((call, input, calls) => {
      if (call === 'CreateRepository') {
        created = true;
        return {};
      }
      if (!created && call !== 'DescribeRepositories') throw ecrException('RepositoryNotFoundException');
      return ok(call, input, calls);
    });
    const result = await push({ source: fixture('oci-layout'), destination: 'app:v1', createRepository: true, cacheDir, internals: { client } });
    expect(result.status).toBe('pushed');
    const calls = client.calls.map((c) => c.call);
    expect(calls.slice(0, 3).sort()).toEqual(FIRST_ROUND);
    expect(client.calls[3]).toEqual({ call: 'CreateRepository', input: { repositoryName: 'app' } });
    expect(afterOpening(client.calls.slice(4)).at(-1)).toBe('PutImage');
  });

  it('with --create-repository and a repository that exists, sends no CreateRepository (a role without that permission keeps working)', async () => {
    const ok = fakeEcr();
    const client = stubClient((call, input, calls) => {
      if (call === 'CreateRepository') throw ecrException('AccessDeniedException');
      return ok(call, input, calls);
    });
    const result = await push({ source: fixture('oci-layout'), destination: 'app:v1', createRepository: true, cacheDir, internals: { client } });
    expect(result.status).toBe('pushed');
    expect(client.calls.map((c) => c.call)).not.toContain('CreateRepository');
  });

  it('refuses an invalid destination before touching the source or ECR', async () => {
    const client = stubClient(() => ({}));
    await expect(push({ source: '/nonexistent', destination: 'Bad/Name', internals: { client } })).rejects.toMatchObject({ name: 'UsageError' });
    expect(client.calls).toEqual([]);
  });
});

describe('push() to a digest destination', () => {
  it('refuses a digest that is not the image being pushed before any call to ECR', async () => {
    const client = stubClient(fakeEcr());
    const cacheDir = scratchDir('ecr-push-cache');
    const other = `sha256:${'0'.repeat(64)}`;
    await expect(push({ source: fixture('oci-layout'), destination: `app@${other}`, cacheDir, internals: { client } }))
      .rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining(other) });
    expect(client.calls).toEqual([]);
  });

  it('refuses a digest that is not the image when, with an empty cache, the digest is learnt from the image under the tag', async () => {
    const handler = fakeEcr();
    await push({ source: fixture('docker-archive.tar'), destination: 'app:v1', cacheDir: scratchDir('ecr-push-cache'), internals: { client: stubClient(handler) } });
    const client = stubClient(handler);
    const other = `sha256:${'0'.repeat(64)}`;
    await expect(push({ source: fixture('docker-archive.tar'), destination: `app@${other}`, tags: ['v1'], cacheDir: scratchDir('ecr-push-empty'), internals: { client } }))
      .rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining(other) });
    expect(client.calls.map((c) => c.call)).not.toContain('PutImage');
  });
});

describe('push() of an image with a zero-byte layer', () => {
  it('never uploads the empty blob when ECR has it', async () => {
    const layout = await writeLayout([Buffer.alloc(0), Buffer.from('layer')]);
    const [empty] = layout.layerDigests;
    const client = stubClient(fakeEcr(undefined, [empty!]));
    const cacheDir = scratchDir('ecr-push-cache');
    const result = await push({ source: layout.dir, destination: 'app:v1', cacheDir, internals: { client } });
    expect(result.status).toBe('pushed');
    expect(client.calls.filter((c) => c.call === 'CompleteLayerUpload').map((c) => c.input.layerDigests)).not.toContainEqual([empty]);
  });

  it('fails with an input error naming the empty blob when ECR lacks it, and puts nothing', async () => {
    const layout = await writeLayout([Buffer.alloc(0)]);
    const client = stubClient(fakeEcr());
    const cacheDir = scratchDir('ecr-push-cache');
    await expect(push({ source: layout.dir, destination: 'app:v1', concurrency: 1, cacheDir, internals: { client } }))
      .rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining(layout.layerDigests[0]!) });
    expect(client.calls.map((c) => c.call)).not.toContain('PutImage');
    expect(client.calls.filter((c) => c.call === 'UploadLayerPart').every((c) => (c.input.layerPartBlob as Uint8Array).length > 0)).toBe(true);
  });
});
