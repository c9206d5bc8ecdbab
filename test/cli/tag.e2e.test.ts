/**
 * `ecr-push tag` through the real CLI: new tags point at the same digest, the stored manifest is
 * byte-identical to the one pushed (media type included), and a tag already on the image is
 * `unchanged` with exit 0.
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

  it('exits 0 with status unchanged when the new tag already names the image', async () => {
    const layout = join(images!, 'tool-made', 'oci-layout');
    expect((await runCli([layout, 'tag/fixed:v1', '-q'], { env: env() })).code).toBe(0);
    const puts = emu.calls.filter((c) => c.call === 'PutImage' && c.repository === 'tag/fixed').length;
    const run = await runCli(['tag', 'tag/fixed:v1', 'v1', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'unchanged', tags: ['v1'] });
    expect(run.stderr).toMatch(/manifest sha256:[0-9a-f]{12} tag v1 unchanged/);
    expect(emu.tags('tag/fixed')).toEqual({ v1: layoutManifest(layout).digest });
    expect(emu.calls.filter((c) => c.call === 'PutImage' && c.repository === 'tag/fixed' && !c.error).length).toBe(puts);
  });

  it('fails with exit 11 and a new-tag hint when an immutable tag already names another image', async () => {
    expect((await runCli([join(images!, 'tool-made', 'oci-layout-zstd'), 'tag/fixed:other', '-q'], { env: env() })).code).toBe(0);
    const run = await runCli(['tag', 'tag/fixed:v1', 'other', '--json'], { env: env() });
    expect(run.code, run.stderr).toBe(11);
    expect(run.stderr).toMatch(/^ecr-push: .* \(ImageTagAlreadyExistsException\)\nhint: .*new tag/m);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', repository: 'tag/fixed', error: { name: 'ImageTagAlreadyExistsException', exitCode: 11 } });
  });

  it('exits 25 and suggests describe-images when the image to retag is not in the repository', async () => {
    const run = await runCli(['tag', 'tag/oci:missing', 'v9'], { env: env() });
    expect(run.code, run.stderr).toBe(25);
    expect(run.stderr).toMatch(/\(ImageNotFoundException\)\nhint: .*aws ecr describe-images --repository-name tag\/oci/);
  });

  it('rejects a reference without tag or digest, and an invalid new tag, as usage errors', async () => {
    const noTag = await runCli(['tag', 'tag/oci', 'v3'], { env: env() });
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toMatch(/names no image.*\(UsageError\)/);
    const badTag = await runCli(['tag', 'tag/oci:v1', 'not!valid'], { env: env() });
    expect(badTag.code).toBe(2);
    expect(badTag.stderr).toMatch(/invalid tag "not!valid".*\(UsageError\)/);
  });
});
