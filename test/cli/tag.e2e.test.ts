/**
 * `ecr-push tag` through the real CLI: new tags point at the same digest, the stored manifest is
 * byte-identical to the one pushed (media type included), a tag already on the image is
 * `unchanged` with exit 0, a tag an immutable repository keeps on another image fails the run
 * (exit 11) without stopping the other tags, and the hints fit `tag`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { ecrClient } from '../emulator/sdk.js';
import { cleanEnv, notBuilt, runCli, sharedImages, removeHomes } from './run-cli.js';

const images = sharedImages();
const skip = notBuilt() ?? (images ? undefined : '../shared/images is absent');

/** The manifest bytes and media type an OCI layout's first index entry points at. */
function layoutManifest(dir: string): { digest: string; mediaType: string; bytes: Buffer } {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string }[] };
  const { digest, mediaType } = index.manifests[0]!;
  return { digest, mediaType, bytes: readFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length))) };
}

describe.skipIf(skip)(`ecr-push tag${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let client: ECRClient;
  const env = (): Record<string, string> => cleanEnv(emu.env);

  async function stored(repositoryName: string, imageTag: string): Promise<{ digest?: string; mediaType?: string; manifest?: string }> {
    const out = await client.send(new BatchGetImageCommand({
      repositoryName,
      imageIds: [{ imageTag }],
      acceptedMediaTypes: [
        'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
      ],
    }));
    const image = out.images?.[0];
    return { digest: image?.imageId?.imageDigest, mediaType: image?.imageManifestMediaType, manifest: image?.imageManifest };
  }

  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'tag/oci' }, { name: 'tag/docker' }, { name: 'tag/fixed', imageTagMutability: 'IMMUTABLE' }] });
    client = ecrClient(emu);
  });
  afterAll(async () => {
    client?.destroy();
    await emu?.stop();
    removeHomes();
  });

  it('adds tags that point at the same digest, with the manifest byte-identical and its media type kept', async () => {
    const layout = join(images!, 'tool-made', 'oci-layout');
    const original = layoutManifest(layout);
    expect((await runCli([layout, 'tag/oci:v1', '-q'], { env: env() })).code).toBe(0);

    const run = await runCli(['tag', 'tag/oci:v1', 'v2', 'stable', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'pushed', repository: 'tag/oci', tags: ['v2', 'stable'], digest: original.digest, mediaType: original.mediaType });
    expect(emu.tags('tag/oci')).toEqual({ v1: original.digest, v2: original.digest, stable: original.digest });
    for (const tag of ['v2', 'stable']) {
      const got = await stored('tag/oci', tag);
      expect(got.digest).toBe(original.digest);
      expect(got.mediaType).toBe(original.mediaType);
      expect(Buffer.from(got.manifest!, 'utf8').equals(original.bytes)).toBe(true);
    }
  });

  it('retags by digest and keeps a Docker schema 2 manifest a Docker manifest', async () => {
    expect((await runCli([join(images!, 'tool-made', 'docker-archive.tar'), 'tag/docker:v1', '-q'], { env: env() })).code).toBe(0);
    const before = await stored('tag/docker', 'v1');
    expect(before.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const run = await runCli(['tag', `tag/docker@${before.digest}`, 'release'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`${emu.accountId}.dkr.ecr.${emu.region}.amazonaws.com/tag/docker@${before.digest}`);
    expect(await stored('tag/docker', 'release')).toEqual(before);
  });

  it('exits 0 with status unchanged when the new tag already names the image, with one BatchGetImage and no PutImage', async () => {
    const layout = join(images!, 'tool-made', 'oci-layout');
    expect((await runCli([layout, 'tag/fixed:v1', '-q'], { env: env() })).code).toBe(0);
    expect((await runCli(['tag', 'tag/fixed:v1', 'same'], { env: env() })).code).toBe(0);
    for (const again of [['v1'], ['same', 'v1']]) {
      const before = emu.calls.length;
      const run = await runCli(['tag', 'tag/fixed:v1', ...again, '--json'], { env: env() });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged', tags: again });
      expect(run.stderr).toMatch(/manifest sha256:[0-9a-f]{12} tag v1 unchanged/);
      expect(emu.calls.slice(before).filter((c) => c.repository === 'tag/fixed').map((c) => c.call)).toEqual(['BatchGetImage']);
    }
    expect(emu.tags('tag/fixed')).toEqual({ v1: layoutManifest(layout).digest, same: layoutManifest(layout).digest });
  });

  it('fails with exit 11 and a new-tag hint when an immutable tag already names another image', async () => {
    expect((await runCli([join(images!, 'tool-made', 'oci-layout-zstd'), 'tag/fixed:other', '-q'], { env: env() })).code).toBe(0);
    const run = await runCli(['tag', 'tag/fixed:v1', 'other', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toMatch(/^ecr-push: tag "other" already names .* \(ImageTagAlreadyExistsException\)\nhint: .*choose a tag that is not in use/m);
    expect(run.stderr).not.toMatch(/push under|-t NEW_TAG/);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', repository: 'tag/fixed', tags: [], error: { name: 'ImageTagAlreadyExistsException', exitCode: 11 } });
  });

  it('puts every other tag when one is held by another image, then exits 11 saying which were put and which failed', async () => {
    const zstd = join(images!, 'tool-made', 'oci-layout-zstd');
    expect((await runCli([zstd, 'tag/fixed:taken', '-q'], { env: env() })).code).toBe(0);
    const run = await runCli(['tag', 'tag/fixed:v1', 'a1', 'taken', 'a2', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(11);
    const v1 = layoutManifest(join(images!, 'tool-made', 'oci-layout')).digest;
    const tags = emu.tags('tag/fixed');
    expect([tags.a1, tags.a2, tags.taken]).toEqual([v1, v1, layoutManifest(zstd).digest]);
    const obj = JSON.parse(run.stdout);
    expect(obj).toMatchObject({ status: 'error', tags: ['a1', 'a2'], error: { name: 'ImageTagAlreadyExistsException', exitCode: 11 } });
    expect(obj.error.message).toMatch(/^tag "taken" already names .*; tags put: a1, a2; not put: taken$/);

    const quiet = await runCli(['tag', 'tag/fixed:v1', 'a3', 'taken', '-q'], { env: env() });
    expect(quiet.code).toBe(11);
    expect(quiet.stderr).toMatch(/^ecr-push: tag "taken" already names .*; tags put: a3; not put: taken \(ImageTagAlreadyExistsException\)\n/);
  });

  it('advises checking the repository, not --create-repository (which tag does not have), when it does not exist', async () => {
    const run = await runCli(['tag', 'tag/nosuch:v1', 'x', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toMatch(/\(RepositoryNotFoundException\)\nhint: .*already in ECR.*--region/);
    expect(run.stderr).not.toContain('--create-repository');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', repository: 'tag/nosuch', tags: [], error: { exitCode: 10 } });
  });

  it('exits 25 and suggests describe-images when the image to retag is not in the repository', async () => {
    const run = await runCli(['tag', 'tag/oci:missing', 'v9'], { env: env() });
    expect(run.code, run.stderr).toBe(25);
    expect(run.stderr).toMatch(/\(ImageNotFoundException\)\nhint: .*aws ecr describe-images --repository-name tag\/oci/);
  });

  it('rejects a reference without tag or digest, and an invalid new tag, as usage errors', async () => {
    const noTag = await runCli(['tag', 'tag/oci', 'v3'], { env: env() });
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toMatch(/^ecr-push: .*names no image: give repo:tag or repo@sha256:.*\nhint: run `ecr-push tag --help`/);
    const badTag = await runCli(['tag', 'tag/oci:v1', 'not!valid'], { env: env() });
    expect(badTag.code).toBe(2);
    expect(badTag.stderr).toMatch(/^ecr-push: invalid tag "not!valid".*\)\nhint: run `ecr-push tag --help`/);
    expect(badTag.stderr).not.toContain('(UsageError)');
  });
});
