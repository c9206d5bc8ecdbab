import { describe, expect, it } from 'vitest';
import {
  GetDownloadUrlForLayerCommand,
  InvalidParameterException,
  LayerInaccessibleException,
  LayersNotFoundException,
  PutImageCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { useEmulator } from './harness.js';
import { rejection, sha256, testImage, uploadBlob, uploadImageBlobs } from './sdk.js';

const h = useEmulator('downloads');

function urlFor(repositoryName: string, layerDigest: string) {
  return h.client.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest }));
}

async function pushed(name: string) {
  const image = testImage(name);
  const repositoryName = h.newRepo();
  await uploadImageBlobs(h.client, repositoryName, image);
  await h.client.send(new PutImageCommand({ repositoryName, imageManifest: image.manifest, imageTag: 'v1' }));
  return { image, repositoryName };
}

describe('GetDownloadUrlForLayer', () => {
  it('hands out a URL that serves the config and the layer of an image to a plain GET, without a signature', async () => {
    const { image, repositoryName } = await pushed('served');
    for (const blob of [image.config, image.layer]) {
      const out = await urlFor(repositoryName, sha256(blob));
      expect(out.layerDigest).toBe(sha256(blob));
      const res = await fetch(out.downloadUrl!);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(blob)).toBe(true);
    }
  });

  it('answers 403 to a URL it never handed out', async () => {
    const res = await fetch(`${h.emu.endpoint}/layer-download/${'0'.repeat(48)}`);
    expect(res.status).toBe(403);
  });

  it('refuses a blob no image references with LayerInaccessibleException', async () => {
    const repositoryName = h.newRepo();
    const digest = await uploadBlob(h.client, repositoryName, Buffer.from('unreferenced blob\n'.repeat(20)));
    expect(await rejection(urlFor(repositoryName, digest))).toBeInstanceOf(LayerInaccessibleException);
  });

  it('refuses a blob the repository does not hold with LayersNotFoundException, even when another repository has it', async () => {
    const { image } = await pushed('elsewhere');
    expect(await rejection(urlFor(h.newRepo(), sha256(image.layer)))).toBeInstanceOf(LayersNotFoundException);
  });

  it('refuses a malformed digest with InvalidParameterException and an unknown repository with RepositoryNotFoundException', async () => {
    expect(await rejection(urlFor(h.newRepo(), 'sha256:nothex'))).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(urlFor('downloads-none', sha256('x')))).toBeInstanceOf(RepositoryNotFoundException);
  });
});
