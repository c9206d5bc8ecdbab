import { describe, expect, it } from 'vitest';
import { createRepository, putManifest } from '../../src/ecr/images.js';
import { ecrException, stubClient, stubTransport } from '../helpers/stub-ecr.js';

const bytes = Buffer.from('{"schemaVersion":2}');
const m = { bytes, digest: 'sha256:' + 'a'.repeat(64), mediaType: 'application/vnd.oci.image.manifest.v1+json' };
const other = 'sha256:' + 'b'.repeat(64);

describe('putting a manifest', () => {
  it('sends the exact bytes with media type, digest and tag', async () => {
    const client = stubClient(() => ({ image: { imageId: { imageDigest: m.digest }, registryId: '123456789012' } }));
    expect(await putManifest(stubTransport(client), m, 'v1')).toEqual({ status: 'pushed', registryId: '123456789012' });
    expect(client.calls).toEqual([{
      call: 'PutImage',
      input: { repositoryName: 'app', imageManifest: bytes.toString(), imageManifestMediaType: m.mediaType, imageDigest: m.digest, imageTag: 'v1' },
    }]);
  });

  it('puts by digest alone when there is no tag', async () => {
    const client = stubClient(() => ({ image: { imageId: { imageDigest: m.digest } } }));
    await putManifest(stubTransport(client), m);
    expect(client.calls[0]?.input).not.toHaveProperty('imageTag');
  });

  it('fails when ECR stores the manifest under another digest', async () => {
    const client = stubClient(() => ({ image: { imageId: { imageDigest: other } } }));
    await expect(putManifest(stubTransport(client), m, 'v1')).rejects.toMatchObject({ name: 'ImageDigestDoesNotMatchException' });
  });

  it('reports ImageAlreadyExistsException as unchanged', async () => {
    const client = stubClient(() => { throw ecrException('ImageAlreadyExistsException'); });
    expect(await putManifest(stubTransport(client), m, 'v1')).toEqual({ status: 'unchanged' });
  });

  it('reports an immutable tag that already names this digest as unchanged, after checking with BatchGetImage', async () => {
    const client = stubClient((call) => {
      if (call === 'PutImage') throw ecrException('ImageTagAlreadyExistsException');
      return { images: [{ imageId: { imageDigest: m.digest, imageTag: 'v1' }, imageManifest: '{}' }] };
    });
    expect(await putManifest(stubTransport(client), m, 'v1')).toEqual({ status: 'unchanged' });
    expect(client.calls.map((c) => c.call)).toEqual(['PutImage', 'BatchGetImage']);
    expect(client.calls[1]?.input).toMatchObject({ imageIds: [{ imageTag: 'v1' }], acceptedMediaTypes: expect.arrayContaining([m.mediaType]) });
  });

  it('fails on an immutable tag that names another image', async () => {
    const client = stubClient((call) => {
      if (call === 'PutImage') throw ecrException('ImageTagAlreadyExistsException');
      return { images: [{ imageId: { imageDigest: other }, imageManifest: '{}' }] };
    });
    await expect(putManifest(stubTransport(client), m, 'v1')).rejects.toMatchObject({
      name: 'ImageTagAlreadyExistsException', message: expect.stringContaining(other),
    });
  });
});

describe('creating the repository', () => {
  it('accepts a repository that already exists', async () => {
    const client = stubClient(() => { throw ecrException('RepositoryAlreadyExistsException'); });
    expect(await createRepository(stubTransport(client))).toBe('exists');
  });

  it('passes other failures on', async () => {
    const client = stubClient(() => { throw ecrException('LimitExceededException'); });
    await expect(createRepository(stubTransport(client))).rejects.toMatchObject({ name: 'LimitExceededException' });
  });
});
