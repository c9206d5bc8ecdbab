import { afterEach, describe, expect, it } from 'vitest';
import {
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  InitiateLayerUploadCommand,
  KmsException,
  LimitExceededException,
  ServerException,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { useEmulator } from './harness.js';
import { startEmulator } from './index.js';
import { ecrClient, rejection } from './sdk.js';

const h = useEmulator('faults');
afterEach(() => h.emu.clearFaults());

function initiate(repositoryName: string, client = h.client) {
  return client.send(new InitiateLayerUploadCommand({ repositoryName }));
}

describe('fault injection', () => {
  it('fails the next N matching calls with the named exception, then lets calls through', async () => {
    const repo = h.newRepo();
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 2, kind: { exception: 'ThrottlingException', message: 'Rate exceeded' } });
    const before = h.emu.faultStats().injected;
    await h.client.send(new DescribeRepositoriesCommand({})); // another call is not affected
    for (let i = 0; i < 2; i++) {
      const err = await rejection(initiate(repo));
      // ECR's model has no ThrottlingException class: the SDK raises its base class under that name.
      expect(err).toBeInstanceOf(ECRServiceException);
      expect(err.name).toBe('ThrottlingException');
      expect(err.message).toBe('Rate exceeded');
    }
    expect((await initiate(repo)).uploadId).toBeTruthy();
    expect(h.emu.faultStats().injected - before).toBe(2);
    const logged = h.emu.calls.filter((c) => c.call === 'InitiateLayerUpload' && c.repository === repo);
    expect(logged.map((c) => [c.status, c.error, c.injected])).toEqual([
      [400, 'ThrottlingException', true],
      [400, 'ThrottlingException', true],
      [200, undefined, undefined],
    ]);
  });

  it('sends the exception fields given, e.g. KmsException.kmsError, and ServerException as HTTP 500', async () => {
    const repo = h.newRepo();
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { exception: 'KmsException', fields: { kmsError: 'KMS key disabled' } } });
    const kms = await rejection(initiate(repo));
    expect(kms).toBeInstanceOf(KmsException);
    expect(kms.kmsError).toBe('KMS key disabled');
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { exception: 'ServerException' } });
    const server = await rejection(initiate(repo));
    expect(server).toBeInstanceOf(ServerException);
    expect(server.$metadata).toMatchObject({ httpStatusCode: 500 });
  });

  it('answers a bare HTTP 500 when asked to', async () => {
    const repo = h.newRepo();
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { http500: true } });
    const err = await rejection(initiate(repo));
    expect((err.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(500);
    expect((await initiate(repo)).uploadId).toBeTruthy();
  });

  it('resets the connection in the middle of a request, and the next request is served', async () => {
    const repo = h.newRepo();
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { reset: true } });
    const err = await rejection(initiate(repo));
    expect((err.$metadata as { httpStatusCode?: number }).httpStatusCode).toBeUndefined(); // no HTTP response at all
    expect(`${String(err.code)} ${err.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect((await initiate(repo)).uploadId).toBeTruthy();
    expect(h.emu.calls.filter((c) => c.call === 'InitiateLayerUpload' && c.injected && c.error === 'reset')).not.toHaveLength(0);
  });

  it('drops a part whose upload was reset, so the same part can be sent again', async () => {
    const repositoryName = h.newRepo();
    const { uploadId } = await initiate(repositoryName);
    const bytes = Buffer.alloc(1024 * 1024, 1);
    const send = () => h.client.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 0, partLastByte: bytes.length - 1, layerPartBlob: bytes }));
    h.emu.addFault({ call: 'UploadLayerPart', times: 1, kind: { reset: true } });
    await rejection(send());
    expect((await send()).lastByteReceived).toBe(bytes.length - 1);
  });

  it('adds latency to matching calls', async () => {
    const repo = h.newRepo();
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { latencyMs: 300 } });
    const started = Date.now();
    await initiate(repo);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('applies a fault without a call name to every call until cleared', async () => {
    h.emu.addFault({ kind: { exception: 'LimitExceededException' } });
    expect(await rejection(h.client.send(new DescribeRepositoriesCommand({})))).toBeInstanceOf(LimitExceededException);
    expect(await rejection(initiate(h.newRepo()))).toBeInstanceOf(LimitExceededException);
    h.emu.clearFaults();
    await h.client.send(new DescribeRepositoriesCommand({}));
  });

  it('lets the SDK retry through injected throttling when it makes more than one attempt', async () => {
    const repo = h.newRepo();
    const retrying = new ECRClient({ endpoint: h.emu.endpoint, region: h.emu.region, credentials: h.emu.credentials, maxAttempts: 3 });
    h.emu.addFault({ call: 'InitiateLayerUpload', times: 2, kind: { exception: 'ThrottlingException' } });
    try {
      const out = await initiate(repo, retrying);
      expect(out.$metadata.attempts).toBe(3);
    } finally {
      retrying.destroy();
    }
  });

  it('fails about the given fraction of calls, the same ones for the same seed', async () => {
    const pattern = async (seed: number) => {
      const emu = await startEmulator({ seed, repositories: [{ name: 'pp' }] });
      const client = ecrClient(emu);
      emu.addFault({ call: 'InitiateLayerUpload', probability: 0.3, kind: { exception: 'ThrottlingException' } });
      const outcome: boolean[] = [];
      for (let i = 0; i < 60; i++) outcome.push(await initiate('pp', client).then(() => true, () => false));
      client.destroy();
      await emu.stop();
      return outcome;
    };
    const first = await pattern(7);
    const failed = first.filter((ok) => !ok).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    expect(await pattern(7)).toEqual(first);
  });
});
