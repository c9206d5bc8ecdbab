/** retag() against a stubbed client: the stored bytes and media type are put again under each new tag. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retag } from '../src/retag.js';
import { ecrException, stubClient } from './helpers/stub-ecr.js';

const manifest = '{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.docker.distribution.manifest.v2+json"\n}';
const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
const mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
const stored = { images: [{ imageId: { imageDigest: digest, imageTag: 'v1' }, imageManifest: manifest, imageManifestMediaType: mediaType }] };

describe('retag()', () => {
  it('reads the image and what the new tags name in one call, then puts the exact bytes, media type and digest under each new tag', async () => {
    const client = stubClient((call, input) => (call === 'BatchGetImage' ? stored : { image: { imageId: { imageDigest: digest, imageTag: input.imageTag } } }));
    const result = await retag({ reference: 'app:v1', tags: ['v2', 'stable'], internals: { client } });
    expect(client.calls.map((c) => c.call)).toEqual(['BatchGetImage', 'PutImage', 'PutImage']);
    expect(client.calls[0]?.input).toMatchObject({
      imageIds: [{ imageTag: 'v1' }, { imageTag: 'v2' }, { imageTag: 'stable' }], acceptedMediaTypes: expect.arrayContaining([mediaType]),
    });
    expect(client.calls.slice(1).map((c) => c.input)).toEqual(['v2', 'stable'].map((imageTag) => ({
      repositoryName: 'app', imageManifest: manifest, imageManifestMediaType: mediaType, imageDigest: digest, imageTag,
    })));
    expect(result).toMatchObject({ status: 'pushed', digest, tags: ['v2', 'stable'] });
  });

  it('puts a tag named twice once, as push does', async () => {
    const client = stubClient((call, input) => (call === 'BatchGetImage' ? stored : { image: { imageId: { imageDigest: digest, imageTag: input.imageTag } } }));
    const result = await retag({ reference: 'app:v1', tags: ['v9', 'v9', 'v8'], internals: { client } });
    expect(client.calls.filter((c) => c.call === 'PutImage').map((c) => c.input.imageTag)).toEqual(['v9', 'v8']);
    expect(result.tags).toEqual(['v9', 'v8']);
  });

  it('reports a tag already on the image as unchanged, PutImage answering ImageAlreadyExists', async () => {
    const client = stubClient((call) => {
      if (call === 'BatchGetImage') return { images: [{ ...stored.images[0], imageId: { imageDigest: digest } }] };
      throw ecrException('ImageAlreadyExistsException');
    });
    expect(await retag({ reference: `app@${digest}`, tags: ['v1'], internals: { client } })).toMatchObject({ status: 'unchanged' });
    expect(client.calls[0]?.input).toMatchObject({ imageIds: [{ imageDigest: digest }, { imageTag: 'v1' }] });
  });

  it('puts no tag that the first call shows already naming the image: only the others get PutImage', async () => {
    const client = stubClient((call, input) => {
      if (call === 'BatchGetImage') {
        return { images: ['v1', 'stable'].map((imageTag) => ({ ...stored.images[0], imageId: { imageDigest: digest, imageTag } })) };
      }
      return { image: { imageId: { imageDigest: digest, imageTag: input.imageTag } } };
    });
    const events: unknown[] = [];
    const result = await retag({ reference: 'app:v1', tags: ['stable', 'v2'], internals: { client }, onEvent: (e) => events.push(e) });
    expect(client.calls.map((c) => [c.call, c.input.imageTag])).toEqual([['BatchGetImage', undefined], ['PutImage', 'v2']]);
    expect(events).toEqual([['stable', 'unchanged'], ['v2', 'pushed']].map(([tag, status]) => ({ type: 'manifest', digest, mediaType, tag, status })));
    expect(result.status).toBe('pushed');
  });

  it('tries every tag when one is held by another image, then fails naming that tag; each tag put is an event', async () => {
    const other = `sha256:${'0'.repeat(64)}`;
    const client = stubClient((call, input) => {
      if (call === 'BatchGetImage') {
        const wanted = (input.imageIds as { imageTag?: string }[]).map((id) => id.imageTag);
        const taken = { ...stored.images[0], imageId: { imageDigest: other, imageTag: 'taken' } };
        return { images: [...(wanted.includes('v1') ? stored.images : []), ...(wanted.includes('taken') ? [taken] : [])] };
      }
      if (input.imageTag === 'taken') throw ecrException('ImageTagAlreadyExistsException');
      return { image: { imageId: { imageDigest: digest, imageTag: input.imageTag } } };
    });
    const events: unknown[] = [];
    const failed = retag({ reference: 'app:v1', tags: ['a', 'taken', 'b'], internals: { client }, onEvent: (e) => events.push(e) });
    await expect(failed).rejects.toMatchObject({ name: 'ImageTagAlreadyExistsException', message: expect.stringContaining(`tag "taken" already names ${other}`) });
    expect(client.calls.filter((c) => c.call === 'PutImage').map((c) => c.input.imageTag)).toEqual(['a', 'taken', 'b']);
    expect(events).toEqual(['a', 'b'].map((tag) => ({ type: 'manifest', digest, mediaType, tag, status: 'pushed' })));
  });

  it('stops at the first failure that is not a held tag', async () => {
    const client = stubClient((call) => {
      if (call === 'BatchGetImage') return stored;
      throw ecrException('KmsException');
    });
    await expect(retag({ reference: 'app:v1', tags: ['a', 'b'], internals: { client } })).rejects.toMatchObject({ name: 'KmsException' });
    expect(client.calls.map((c) => c.call)).toEqual(['BatchGetImage', 'PutImage']);
  });

  it('fails clearly when the image is not in the repository', async () => {
    const client = stubClient(() => ({ images: [], failures: [{ failureCode: 'ImageNotFound' }] }));
    await expect(retag({ reference: 'app:nope', tags: ['v2'], internals: { client } })).rejects.toMatchObject({ name: 'ImageNotFoundException' });
  });

  it('refuses a reference without a tag or digest, and invalid new tags, before any call', async () => {
    const client = stubClient(() => stored);
    await expect(retag({ reference: 'app', tags: ['v2'], internals: { client } })).rejects.toMatchObject({ name: 'UsageError' });
    await expect(retag({ reference: 'app:v1', tags: ['-bad'], internals: { client } })).rejects.toMatchObject({ name: 'UsageError' });
    expect(client.calls).toEqual([]);
  });
});
