import { describe, expect, it } from 'vitest';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  ImageAlreadyExistsException,
  ImageDigestDoesNotMatchException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  LayersNotFoundException,
  PutImageCommand,
  ReferencedImagesNotFoundException,
  RepositoryNotFoundException,
  type PutImageCommandInput,
} from '@aws-sdk/client-ecr';
import { useEmulator } from './harness.js';
import { OCI_INDEX, OCI_MANIFEST, ecrClient, indexOf, rejection, sha256, testImage, uploadBlob, uploadImageBlobs } from './sdk.js';

const h = useEmulator('images');
const newRepo = (mutability?: 'MUTABLE' | 'IMMUTABLE') => h.newRepo(mutability);

function put(input: PutImageCommandInput) {
  return h.client.send(new PutImageCommand(input));
}

describe('PutImage checks the manifest', () => {
  it('refuses a manifest that is not JSON with InvalidParameterException', async () => {
    const err = await rejection(put({ repositoryName: newRepo(), imageManifest: '{"schemaVersion": 2,', imageManifestMediaType: OCI_MANIFEST }));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('refuses a manifest over 4 MiB with InvalidParameterException', async () => {
    const image = testImage('big');
    const repositoryName = newRepo();
    await uploadImageBlobs(h.client, repositoryName, image);
    const padded = JSON.stringify({ ...JSON.parse(image.manifest), annotations: { pad: 'x'.repeat(4 * 1024 * 1024) } });
    expect(await rejection(put({ repositoryName, imageManifest: padded }))).toBeInstanceOf(InvalidParameterException);
  });

  it('refuses a manifest with no mediaType unless imageManifestMediaType names one', async () => {
    const image = testImage('no-media-type');
    const repositoryName = newRepo();
    await uploadImageBlobs(h.client, repositoryName, image);
    const { mediaType: _dropped, ...rest } = JSON.parse(image.manifest) as Record<string, unknown>;
    const bare = JSON.stringify(rest);
    expect(await rejection(put({ repositoryName, imageManifest: bare }))).toBeInstanceOf(InvalidParameterException);
    const ok = await put({ repositoryName, imageManifest: bare, imageManifestMediaType: OCI_MANIFEST });
    expect(ok.image?.imageManifestMediaType).toBe(OCI_MANIFEST);
  });

  it('refuses an imageManifestMediaType that contradicts the manifest', async () => {
    const image = testImage('contradiction');
    const repositoryName = newRepo();
    await uploadImageBlobs(h.client, repositoryName, image);
    const err = await rejection(
      put({ repositoryName, imageManifest: image.manifest, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('answers LayersNotFoundException when the config blob was never uploaded', async () => {
    const image = testImage('no-config');
    const repositoryName = newRepo();
    await uploadBlob(h.client, repositoryName, image.layer);
    const err = await rejection(put({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' }));
    expect(err).toBeInstanceOf(LayersNotFoundException);
    expect(err.message).toContain(sha256(image.config));
    expect(h.emu.tags(repositoryName)).toEqual({});
  });

  it('answers LayersNotFoundException when a layer was never uploaded', async () => {
    const image = testImage('no-layer');
    const repositoryName = newRepo();
    await uploadBlob(h.client, repositoryName, image.config);
    expect(await rejection(put({ repositoryName, imageManifest: image.manifest }))).toBeInstanceOf(LayersNotFoundException);
  });

  it('answers ImageDigestDoesNotMatchException when imageDigest is not the sha256 of the bytes sent', async () => {
    const image = testImage('digest');
    const repositoryName = newRepo();
    await uploadImageBlobs(h.client, repositoryName, image);
    const reformatted = JSON.stringify(JSON.parse(image.manifest), null, 2);
    const err = await rejection(put({ repositoryName, imageManifest: reformatted, imageDigest: image.digest }));
    expect(err).toBeInstanceOf(ImageDigestDoesNotMatchException);
    const ok = await put({ repositoryName, imageManifest: reformatted, imageDigest: sha256(reformatted) });
    expect(ok.image?.imageId?.imageDigest).toBe(sha256(reformatted));
  });

  it('refuses a manifest with more than 500 layers with InvalidParameterException', async () => {
    const image = testImage('many-layers');
    const repositoryName = newRepo();
    await uploadImageBlobs(h.client, repositoryName, image);
    const doc = JSON.parse(image.manifest) as { layers: unknown[] };
    const at = (n: number) => JSON.stringify({ ...doc, layers: Array.from({ length: n }, () => doc.layers[0]) });
    const err = await rejection(put({ repositoryName, imageManifest: at(501) }));
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.message).toContain('number of layers');
    await put({ repositoryName, imageManifest: at(500) });
  });

  it('answers RepositoryNotFoundException for an unknown repository', async () => {
    const err = await rejection(put({ repositoryName: 'never-created', imageManifest: testImage('x').manifest }));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
  });
});

describe('PutImage of an index', () => {
  it('answers ReferencedImagesNotFoundException until the child manifests are pushed by digest', async () => {
    const repositoryName = newRepo();
    const children = [testImage('amd64'), testImage('arm64')];
    for (const child of children) await uploadImageBlobs(h.client, repositoryName, child);
    const index = indexOf(children);
    await put({ repositoryName, imageManifest: children[0]!.manifest });
    const err = await rejection(put({ repositoryName, imageManifest: index, imageTag: 'multi' }));
    expect(err).toBeInstanceOf(ReferencedImagesNotFoundException);
    expect(err.message).toContain(children[1]!.digest);
    await put({ repositoryName, imageManifest: children[1]!.manifest });
    const ok = await put({ repositoryName, imageManifest: index, imageTag: 'multi' });
    expect(ok.image?.imageManifestMediaType).toBe(OCI_INDEX);
    expect(h.emu.tags(repositoryName)).toEqual({ multi: sha256(index) });
  });
});

describe('PutImage tag rules', () => {
  async function pushed(repositoryName: string, name: string) {
    const image = testImage(name);
    await uploadImageBlobs(h.client, repositoryName, image);
    return image;
  }

  it('answers ImageAlreadyExistsException for the same manifest and tag again, and for the same untagged manifest again', async () => {
    const repositoryName = newRepo();
    const image = await pushed(repositoryName, 'same');
    await put({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' });
    expect(await rejection(put({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' }))).toBeInstanceOf(ImageAlreadyExistsException);
    expect(await rejection(put({ repositoryName, imageManifest: image.manifest }))).toBeInstanceOf(ImageAlreadyExistsException);
  });

  it('adds a new tag to a manifest already in the repository', async () => {
    const repositoryName = newRepo();
    const image = await pushed(repositoryName, 'retag');
    await put({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' });
    await put({ repositoryName, imageManifest: image.manifest, imageTag: 'stable' });
    expect(h.emu.tags(repositoryName)).toEqual({ v1: image.digest, stable: image.digest });
  });

  it('moves a tag to the new manifest in a MUTABLE repository', async () => {
    const repositoryName = newRepo('MUTABLE');
    const [one, two] = [await pushed(repositoryName, 'one'), await pushed(repositoryName, 'two')];
    await put({ repositoryName, imageManifest: one.manifest, imageTag: 'latest' });
    await put({ repositoryName, imageManifest: two.manifest, imageTag: 'latest' });
    expect(h.emu.tags(repositoryName)).toEqual({ latest: two.digest });
    const described = await h.client.send(new DescribeImagesCommand({ repositoryName }));
    const byDigest = Object.fromEntries(described.imageDetails!.map((d) => [d.imageDigest, d.imageTags]));
    expect(byDigest).toEqual({ [one.digest]: undefined, [two.digest]: ['latest'] });
  });

  it('answers ImageTagAlreadyExistsException for an existing tag in an IMMUTABLE repository', async () => {
    const repositoryName = newRepo('IMMUTABLE');
    const [one, two] = [await pushed(repositoryName, 'one'), await pushed(repositoryName, 'two')];
    await put({ repositoryName, imageManifest: one.manifest, imageTag: 'v1' });
    expect(await rejection(put({ repositoryName, imageManifest: two.manifest, imageTag: 'v1' }))).toBeInstanceOf(ImageTagAlreadyExistsException);
    expect(h.emu.tags(repositoryName)).toEqual({ v1: one.digest });
    expect(await rejection(put({ repositoryName, imageManifest: one.manifest, imageTag: 'v1' }))).toBeInstanceOf(ImageAlreadyExistsException);
  });

  it.each([
    { mode: 'IMMUTABLE_WITH_EXCLUSION', filter: 'dev-*', moves: 'dev-1', fixed: 'v1' },
    { mode: 'MUTABLE_WITH_EXCLUSION', filter: 'release.*', moves: 'latest', fixed: 'release.1' },
  ] as const)('in $mode, a tag matching an exclusion filter behaves the other way ($moves moves, $fixed stays)', async ({ mode, filter, moves, fixed }) => {
    const repositoryName = `${newRepo()}-excl`;
    h.emu.createRepository(repositoryName, mode, [filter]);
    const [one, two] = [await pushed(repositoryName, 'one'), await pushed(repositoryName, 'two')];
    for (const imageTag of [moves, fixed]) await put({ repositoryName, imageManifest: one.manifest, imageTag });
    await put({ repositoryName, imageManifest: two.manifest, imageTag: moves });
    expect(await rejection(put({ repositoryName, imageManifest: two.manifest, imageTag: fixed }))).toBeInstanceOf(ImageTagAlreadyExistsException);
    expect(h.emu.tags(repositoryName)).toEqual({ [moves]: two.digest, [fixed]: one.digest });
  });
});

describe('BatchGetImage and DescribeImages', () => {
  it('returns a manifest only when its media type is among acceptedMediaTypes', async () => {
    const repositoryName = newRepo();
    const image = testImage('accepted');
    await uploadImageBlobs(h.client, repositoryName, image);
    await put({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' });
    const refused = await h.client.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json'] }),
    );
    expect(refused.images).toEqual([]);
    expect(refused.failures).toHaveLength(1);
    const accepted = await h.client.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: image.digest }], acceptedMediaTypes: [OCI_MANIFEST] }),
    );
    expect(accepted.images?.[0]?.imageManifest).toBe(image.manifest);
  });

  it('reports an unknown tag as an ImageNotFound failure, not an exception', async () => {
    const out = await h.client.send(new BatchGetImageCommand({ repositoryName: newRepo(), imageIds: [{ imageTag: 'nope' }] }));
    expect(out.failures).toMatchObject([{ imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound' }]);
  });

  it('answers ImageNotFoundException from DescribeImages for an unknown image id', async () => {
    const err = await rejection(h.client.send(new DescribeImagesCommand({ repositoryName: newRepo(), imageIds: [{ imageTag: 'nope' }] })));
    expect(err).toBeInstanceOf(ImageNotFoundException);
  });
});
