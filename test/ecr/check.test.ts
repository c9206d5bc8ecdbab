import { describe, expect, it } from 'vitest';
import { checkBlobs } from '../../src/ecr/check.js';
import { stubClient, stubTransport } from '../helpers/stub-ecr.js';

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;

describe('checking which blobs ECR has', () => {
  it('asks in batches of at most 100 digests, each digest once', async () => {
    const client = stubClient(() => ({ layers: [], failures: [] }));
    const digests = Array.from({ length: 250 }, (_, i) => digest(i));
    await checkBlobs(stubTransport(client), [...digests, digest(3)]);
    expect(client.calls.map((c) => (c.input.layerDigests as string[]).length)).toEqual([100, 100, 50]);
    expect(client.calls.flatMap((c) => c.input.layerDigests as string[])).toEqual(digests);
  });

  it('treats UNAVAILABLE and a MissingLayerDigest failure alike as absent, and keeps the size ECR reports', async () => {
    const client = stubClient(() => ({
      layers: [
        { layerDigest: digest(1), layerAvailability: 'AVAILABLE', layerSize: 1234 },
        { layerDigest: digest(2), layerAvailability: 'UNAVAILABLE' },
      ],
      failures: [{ layerDigest: digest(3), failureCode: 'MissingLayerDigest', failureReason: 'not found' }],
    }));
    expect(await checkBlobs(stubTransport(client), [digest(1), digest(2), digest(3)])).toEqual(new Map([[digest(1), 1234]]));
  });

  it('fails on an InvalidLayerDigest failure', async () => {
    const client = stubClient(() => ({ failures: [{ layerDigest: 'sha256:zz', failureCode: 'InvalidLayerDigest', failureReason: 'bad' }] }));
    await expect(checkBlobs(stubTransport(client), ['sha256:zz'])).rejects.toThrow(/rejected layer digest sha256:zz/);
  });

  it('names the repository and registry in every request', async () => {
    const client = stubClient(() => ({}));
    await checkBlobs({ ...stubTransport(client, 'team/app'), registryId: '123456789012' }, [digest(1)]);
    expect(client.calls[0]?.input).toMatchObject({ repositoryName: 'team/app', registryId: '123456789012' });
  });
});
