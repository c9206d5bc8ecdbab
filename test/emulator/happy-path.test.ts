import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand,
  PutImageCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { startEmulator, type Emulator } from './index.js';
import { ecrClient, sharedImagesDir, uploadBlob } from './sdk.js';
import { readLayoutJson, skopeoCopy, withTempDir } from './skopeo.js';

const imagesDir = sharedImagesDir();
const layoutDir = imagesDir && join(imagesDir, 'tool-made', 'oci-layout');

interface OciDescriptor {
  digest: string;
  mediaType: string;
}

async function readBlob(digest: string): Promise<Buffer> {
  return readFile(join(layoutDir!, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

describe.skipIf(!layoutDir)('pushing an OCI image through the SDK (needs ../shared/images)', () => {
  let emu: Emulator;
  let client: ECRClient;
  let manifestDigest: string;
  let manifestText: string;
  let manifest: { config: OciDescriptor; layers: OciDescriptor[] };
  let mediaType: string;

  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'app' }] });
    client = ecrClient(emu);
    const index = JSON.parse(await readFile(join(layoutDir!, 'index.json'), 'utf8')) as { manifests: OciDescriptor[] };
    manifestDigest = index.manifests[0]!.digest;
    mediaType = index.manifests[0]!.mediaType;
    manifestText = (await readBlob(manifestDigest)).toString('utf8');
    manifest = JSON.parse(manifestText);
  });
  afterAll(async () => {
    client?.destroy();
    await emu?.stop();
  });

  it('reports every blob of a new image as absent, then uploads each and gets its digest back', async () => {
    const digests = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
    const before = await client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'app', layerDigests: digests }));
    expect(before.layers?.map((l) => l.layerAvailability)).toEqual(digests.map(() => 'UNAVAILABLE'));
    for (const digest of digests) {
      expect(await uploadBlob(client, 'app', await readBlob(digest))).toBe(digest);
    }
    const after = await client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'app', layerDigests: digests }));
    expect(after.layers?.map((l) => l.layerAvailability)).toEqual(digests.map(() => 'AVAILABLE'));
    expect(emu.blobDigests('app')).toEqual([...digests].sort());
  });

  it('stores the manifest under its tag with the digest of the bytes as sent', async () => {
    const put = await client.send(
      new PutImageCommand({
        repositoryName: 'app',
        imageManifest: manifestText,
        imageManifestMediaType: mediaType,
        imageTag: 'v1',
        imageDigest: manifestDigest,
      }),
    );
    expect(put.image?.imageId).toEqual({ imageDigest: manifestDigest, imageTag: 'v1' });
    expect(emu.tags('app')).toEqual({ v1: manifestDigest });
    const got = await client.send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }));
    expect(got.images?.[0]?.imageManifest).toBe(manifestText);
    expect(got.images?.[0]?.imageManifestMediaType).toBe(mediaType);
    const described = await client.send(new DescribeImagesCommand({ repositoryName: 'app' }));
    expect(described.imageDetails?.[0]).toMatchObject({ imageDigest: manifestDigest, imageTags: ['v1'] });
    expect(described.imageDetails?.[0]?.imagePushedAt).toBeInstanceOf(Date);
  });

  it('lets skopeo pull the pushed image back with the same config digest', async () => {
    await withTempDir(async (dir) => {
      await skopeoCopy(emu.registryHost, 'app:v1', `oci:${dir}:pulled`);
      const index = await readLayoutJson<{ manifests: OciDescriptor[] }>(dir);
      const pulled = await readLayoutJson<{ config: OciDescriptor }>(dir, index.manifests[0]!.digest);
      expect(pulled.config.digest).toBe(manifest.config.digest);
    });
  });

  it('hands out a registry token for user AWS and the emulator as proxy endpoint', async () => {
    const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}));
    const [user] = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64').toString().split(':');
    expect(user).toBe('AWS');
    expect(authorizationData![0]!.proxyEndpoint).toBe(emu.endpoint);
    expect(authorizationData![0]!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });
});
