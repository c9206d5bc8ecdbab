import { describe, expect, it } from 'vitest';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  EmptyUploadException,
  InitiateLayerUploadCommand,
  InvalidLayerException,
  InvalidLayerPartException,
  InvalidParameterException,
  LayerAlreadyExistsException,
  LayerPartTooSmallException,
  RepositoryNotFoundException,
  UploadLayerPartCommand,
  UploadNotFoundException,
} from '@aws-sdk/client-ecr';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEmulator } from './harness.js';
import { startEmulator } from './index.js';
import { ecrClient, rejection, sha256, uploadBlob } from './sdk.js';

const h = useEmulator('layers');
const newRepo = (mutability?: 'MUTABLE' | 'IMMUTABLE') => h.newRepo(mutability);

async function initiate(repositoryName: string): Promise<string> {
  return (await h.client.send(new InitiateLayerUploadCommand({ repositoryName }))).uploadId!;
}

function part(repositoryName: string, uploadId: string, partFirstByte: number, bytes: Buffer, partLastByte = partFirstByte + bytes.length - 1) {
  return h.client.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte, partLastByte, layerPartBlob: bytes }));
}

/** Runs `body` with the emulator handing out `partSize`, then restores the 20 MiB default. */
async function withPartSize(partSize: number, body: () => Promise<void>): Promise<void> {
  h.emu.setPartSize(partSize);
  try {
    await body();
  } finally {
    h.emu.setPartSize(20_971_520);
  }
}

function complete(repositoryName: string, uploadId: string, digest: string) {
  return h.client.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [digest] }));
}

describe('BatchCheckLayerAvailability', () => {
  it('reports an absent layer as UNAVAILABLE by default and as a MissingLayerDigest failure when set so', async () => {
    const repositoryName = newRepo();
    const absent = sha256('absent');
    const unavailable = await h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: [absent] }));
    expect(unavailable.layers).toEqual([{ layerDigest: absent, layerAvailability: 'UNAVAILABLE' }]);
    expect(unavailable.failures).toEqual([]);
    h.emu.setAbsentLayers('MissingLayerDigest');
    try {
      const missing = await h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: [absent] }));
      expect(missing.layers).toEqual([]);
      expect(missing.failures).toMatchObject([{ layerDigest: absent, failureCode: 'MissingLayerDigest' }]);
    } finally {
      h.emu.setAbsentLayers('UNAVAILABLE');
    }
  });

  it('reports a malformed digest as an InvalidLayerDigest failure and a present one as AVAILABLE with its size', async () => {
    const repositoryName = newRepo();
    const bytes = Buffer.from('present blob');
    const present = await uploadBlob(h.client, repositoryName, bytes);
    const out = await h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: ['sha256:nothex', present] }));
    expect(out.failures).toMatchObject([{ layerDigest: 'sha256:nothex', failureCode: 'InvalidLayerDigest' }]);
    expect(out.layers).toEqual([{ layerDigest: present, layerAvailability: 'AVAILABLE', layerSize: bytes.length }]);
  });

  it('refuses more than 100 digests in one call with InvalidParameterException', async () => {
    const layerDigests = Array.from({ length: 101 }, (_, i) => sha256(String(i)));
    const err = await rejection(h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: newRepo(), layerDigests })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('answers RepositoryNotFoundException for a repository that does not exist', async () => {
    const err = await rejection(h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'no-such-repo', layerDigests: [sha256('x')] })));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect((err.$metadata as { requestId?: string }).requestId).toMatch(/\S/);
  });
});

describe('layer upload', () => {
  it('returns the configured partSize from InitiateLayerUpload, 20 MiB unless changed', async () => {
    const repositoryName = newRepo();
    expect((await h.client.send(new InitiateLayerUploadCommand({ repositoryName }))).partSize).toBe(20_971_520);
    await withPartSize(10_485_760, async () => {
      expect((await h.client.send(new InitiateLayerUploadCommand({ repositoryName }))).partSize).toBe(10_485_760);
    });
  });

  it('rejects a part that does not start right after the last byte received, reporting lastValidByteReceived', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    const early = await rejection(part(repositoryName, uploadId, 10, Buffer.alloc(10)));
    expect(early).toBeInstanceOf(InvalidLayerPartException);
    expect(early).toMatchObject({ lastValidByteReceived: -1, uploadId, repositoryName, registryId: h.emu.accountId });
    expect((await part(repositoryName, uploadId, 0, Buffer.alloc(100))).lastByteReceived).toBe(99);
    const gap = await rejection(part(repositoryName, uploadId, 150, Buffer.alloc(10)));
    expect(gap).toBeInstanceOf(InvalidLayerPartException);
    expect(gap).toMatchObject({ lastValidByteReceived: 99 });
    const resent = await rejection(part(repositoryName, uploadId, 0, Buffer.alloc(100)));
    expect(resent).toMatchObject({ name: 'InvalidLayerPartException', lastValidByteReceived: 99 });
  });

  it('rejects a part whose byte range does not match the bytes sent', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    await part(repositoryName, uploadId, 0, Buffer.alloc(50));
    const err = await rejection(part(repositoryName, uploadId, 50, Buffer.alloc(10), 69));
    expect(err).toBeInstanceOf(InvalidLayerPartException);
    expect(err).toMatchObject({ lastValidByteReceived: 49 });
  });

  it('rejects a part larger than the part size with InvalidLayerPartException', async () => {
    const repositoryName = newRepo();
    await withPartSize(1000, async () => {
      const uploadId = await initiate(repositoryName);
      const err = await rejection(part(repositoryName, uploadId, 0, Buffer.alloc(1001)));
      expect(err).toBeInstanceOf(InvalidLayerPartException);
      expect(err).toMatchObject({ lastValidByteReceived: -1 });
      expect((await part(repositoryName, uploadId, 0, Buffer.alloc(1000))).lastByteReceived).toBe(999);
    });
  });

  it('refuses a part over 20,971,520 bytes by default, reporting lastValidByteReceived', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    const err = await rejection(part(repositoryName, uploadId, 0, Buffer.alloc(20_971_521)));
    expect(err).toBeInstanceOf(InvalidLayerPartException);
    expect(err).toMatchObject({ lastValidByteReceived: -1 });
    expect((await part(repositoryName, uploadId, 0, Buffer.alloc(20_971_520, 1))).lastByteReceived).toBe(20_971_519);
  });

  it('keeps several uploads apart when their parts arrive interleaved', async () => {
    const repositoryName = newRepo();
    const blobs = [0, 1, 2, 3].map((i) => Buffer.alloc(6 * 1024 * 1024 + i, i + 1));
    const digests = await Promise.all(blobs.map((b) => uploadBlob(h.client, repositoryName, b, 5 * 1024 * 1024)));
    expect(digests).toEqual(blobs.map((b) => sha256(b)));
    expect(h.emu.blobDigests(repositoryName)).toEqual([...digests].sort());
  });

  it('refuses at Complete a part under 5 MiB that is not the last one', async () => {
    const repositoryName = newRepo();
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    const err = await rejection(uploadBlob(h.client, repositoryName, bytes, 1024 * 1024));
    expect(err).toBeInstanceOf(LayerPartTooSmallException);
  });

  it('accepts parts of the partSize it handed out even when that is under 5 MiB', async () => {
    const repositoryName = newRepo();
    await withPartSize(1000, async () => {
      const bytes = Buffer.alloc(2500, 3);
      expect(await uploadBlob(h.client, repositoryName, bytes, 1000)).toBe(sha256(bytes));
    });
  });

  it('stores a blob sent in several parts under the digest of all its bytes', async () => {
    const repositoryName = newRepo();
    const bytes = Buffer.alloc(11 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const digest = await uploadBlob(h.client, repositoryName, bytes, 5 * 1024 * 1024);
    expect(digest).toBe(sha256(bytes));
    expect(h.emu.blobDigests(repositoryName)).toEqual([digest]);
    const parts = h.emu.calls.filter((c) => c.call === 'UploadLayerPart' && c.repository === repositoryName);
    expect(parts.map((c) => c.bytes)).toEqual([5 * 1024 * 1024, 5 * 1024 * 1024, 1024 * 1024 + 17]);
    expect(parts.map((c) => c.partFirstByte)).toEqual([0, 5 * 1024 * 1024, 10 * 1024 * 1024]);
  });

  it('answers EmptyUploadException when completing an upload that received no parts', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    expect(await rejection(complete(repositoryName, uploadId, sha256('')))).toBeInstanceOf(EmptyUploadException);
  });

  it('answers InvalidLayerException when the digest does not match the bytes received', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    await part(repositoryName, uploadId, 0, Buffer.from('actual bytes'));
    expect(await rejection(complete(repositoryName, uploadId, sha256('other bytes')))).toBeInstanceOf(InvalidLayerException);
    expect(h.emu.blobDigests(repositoryName)).toEqual([]);
  });

  it('answers LayerAlreadyExistsException when the completed layer is already in the repository', async () => {
    const repositoryName = newRepo();
    const bytes = Buffer.from('same layer twice');
    await uploadBlob(h.client, repositoryName, bytes);
    expect(await rejection(uploadBlob(h.client, repositoryName, bytes))).toBeInstanceOf(LayerAlreadyExistsException);
  });

  it('keeps layers per repository: a blob in one repository is absent from another', async () => {
    const [a, b] = [newRepo(), newRepo()];
    const digest = await uploadBlob(h.client, a, Buffer.from('only in a'));
    const out = await h.client.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: b, layerDigests: [digest] }));
    expect(out.layers?.[0]?.layerAvailability).toBe('UNAVAILABLE');
    expect(await uploadBlob(h.client, b, Buffer.from('only in a'))).toBe(digest);
  });

  it('removing a repository deletes the files of the blobs only it held; a blob another repository holds stays readable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emulator-remove-'));
    const emu = await startEmulator({ dataDir, repositories: [{ name: 'one' }, { name: 'two' }] });
    const client = ecrClient(emu);
    try {
      const shared = await uploadBlob(client, 'one', Buffer.from('in a and b'));
      await uploadBlob(client, 'two', Buffer.from('in a and b'));
      const own = await uploadBlob(client, 'one', Buffer.from('only in a'));
      const files = async () => (await readdir(join(dataDir, 'blobs'))).sort();
      expect(await files()).toEqual([own, shared].map((d) => d.replace(':', '-')).sort());
      await emu.removeRepository('one');
      expect(await files()).toEqual([shared.replace(':', '-')]);
      const pulled = await fetch(`${emu.endpoint}/v2/two/blobs/${shared}`);
      expect(await pulled.text()).toBe('in a and b');
      expect(emu.blobDigests('one')).toEqual([]);
    } finally {
      client.destroy();
      await emu.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the file of a blob another repository completes while a repository holding it is being removed', async () => {
    const [one, two] = [newRepo(), newRepo()];
    const blobs = Array.from({ length: 200 }, (_, i) => Buffer.from(`blob ${i} of ${one}`));
    for (let i = 0; i < blobs.length; i += 50) await Promise.all(blobs.slice(i, i + 50).map((b) => uploadBlob(h.client, one, b)));
    const last = blobs.at(-1)!;
    const uploadId = await initiate(two);
    await part(two, uploadId, 0, last);
    const removing = h.emu.removeRepository(one);
    await complete(two, uploadId, sha256(last));
    await removing;
    const pulled = await fetch(`${h.emu.endpoint}/v2/${two}/blobs/${sha256(last)}`);
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe(last.toString());
  });

  it('forgets the unfinished uploads of a removed repository, even when one of that name is made again', async () => {
    const repositoryName = newRepo();
    const uploadId = await initiate(repositoryName);
    const bytes = Buffer.from('sent before the repository went');
    await part(repositoryName, uploadId, 0, bytes);
    await h.emu.removeRepository(repositoryName);
    h.emu.createRepository(repositoryName);
    expect(await rejection(complete(repositoryName, uploadId, sha256(bytes)))).toBeInstanceOf(UploadNotFoundException);
    expect(h.emu.blobDigests(repositoryName)).toEqual([]);
  });

  it('answers UploadNotFoundException for an unknown id, an id of another repository, and a completed upload', async () => {
    const [a, b] = [newRepo(), newRepo()];
    expect(await rejection(part(a, 'no-such-upload', 0, Buffer.alloc(1)))).toBeInstanceOf(UploadNotFoundException);
    const uploadId = await initiate(a);
    expect(await rejection(part(b, uploadId, 0, Buffer.alloc(1)))).toBeInstanceOf(UploadNotFoundException);
    const bytes = Buffer.from('done');
    await part(a, uploadId, 0, bytes);
    await complete(a, uploadId, sha256(bytes));
    expect(await rejection(part(a, uploadId, 4, Buffer.alloc(1)))).toBeInstanceOf(UploadNotFoundException);
    expect(await rejection(complete(a, uploadId, sha256(bytes)))).toBeInstanceOf(UploadNotFoundException);
  });

  it('answers RepositoryNotFoundException when initiating an upload to an unknown repository', async () => {
    expect(await rejection(initiate('missing-repo'))).toBeInstanceOf(RepositoryNotFoundException);
  });
});
