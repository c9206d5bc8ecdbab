import { describe, expect, it } from 'vitest';
import { PutImageCommand } from '@aws-sdk/client-ecr';
import { useEmulator } from './harness.js';
import { OCI_MANIFEST, testImage, uploadImageBlobs } from './sdk.js';

const h = useEmulator('registry');

async function pushed(tag: string) {
  const repositoryName = h.newRepo();
  const image = testImage(tag);
  await uploadImageBlobs(h.client, repositoryName, image);
  await h.client.send(new PutImageCommand({ repositoryName, imageManifest: image.manifest, imageTag: tag }));
  return { repositoryName, image };
}

function get(path: string, method = 'GET') {
  return fetch(`${h.emu.endpoint}${path}`, { method });
}

describe('registry read side', () => {
  it('answers GET /v2/ with 200 and the registry API version header', async () => {
    const res = await get('/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('serves a manifest by tag and by digest with its media type and Docker-Content-Digest, HEAD without a body', async () => {
    const { repositoryName, image } = await pushed('v1');
    for (const ref of ['v1', image.digest]) {
      const res = await get(`/v2/${repositoryName}/manifests/${ref}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
      expect(res.headers.get('docker-content-digest')).toBe(image.digest);
      expect(await res.text()).toBe(image.manifest);
    }
    const head = await get(`/v2/${repositoryName}/manifests/v1`, 'HEAD');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(image.manifest)));
    expect(await head.text()).toBe('');
  });

  it('streams a blob by digest with its length', async () => {
    const { repositoryName, image } = await pushed('blob');
    const digest = JSON.parse(image.manifest).layers[0].digest as string;
    const res = await get(`/v2/${repositoryName}/blobs/${digest}`);
    expect(res.headers.get('content-length')).toBe(String(image.layer.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(image.layer)).toBe(true);
  });

  it('answers 404 with the registry error code for unknown repositories, manifests and blobs', async () => {
    const { repositoryName } = await pushed('known');
    const cases = [
      [`/v2/nothing-here/manifests/latest`, 'NAME_UNKNOWN'],
      [`/v2/${repositoryName}/manifests/unknown-tag`, 'MANIFEST_UNKNOWN'],
      [`/v2/${repositoryName}/blobs/sha256:${'0'.repeat(64)}`, 'BLOB_UNKNOWN'],
    ];
    for (const [path, code] of cases) {
      const res = await get(path!);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe(code);
    }
  });
});
