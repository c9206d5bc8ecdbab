import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  type ECRClientConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecr';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { startEmulator, type Emulator } from './index.js';
import { ecrClient, rejection } from './sdk.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ repositories: [{ name: 'signed' }] });
});
afterAll(async () => {
  await emu?.stop();
});

async function failure(client: ECRClient, command = new DescribeRepositoriesCommand({})): Promise<{ name: string; status?: number; message: string }> {
  try {
    const err = await rejection(client.send(command));
    expect(err).toBeInstanceOf(ECRServiceException);
    return { name: err.name, status: (err as unknown as ECRServiceException).$metadata.httpStatusCode, message: err.message };
  } finally {
    client.destroy();
  }
}

/** A raw JSON 1.1 call, for requests the SDK would never send. */
async function raw(headers: Record<string, string>): Promise<{ status: number; body: { __type?: string; message?: string } }> {
  const res = await fetch(emu.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', ...headers },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as { __type?: string; message?: string } };
}

describe('SigV4 verification', () => {
  it('accepts a request signed with the test credentials', async () => {
    const client = ecrClient(emu);
    const out = await client.send(new DescribeRepositoriesCommand({}));
    client.destroy();
    expect(out.repositories?.map((r) => r.repositoryName)).toEqual(['signed']);
  });

  it('rejects a wrong secret key with 403 InvalidSignatureException', async () => {
    expect(await failure(ecrClient(emu, { secretAccessKey: 'not-the-secret' }))).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
  });

  it('rejects an unknown access key and a wrong session token with 403 UnrecognizedClientException', async () => {
    expect(await failure(ecrClient(emu, { accessKeyId: 'AKIAUNKNOWN000000000' }))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    expect(await failure(ecrClient(emu, { sessionToken: 'stale-token' }))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
  });

  it('rejects a signature scoped to another service than ecr', async () => {
    // `signingName` is honoured by the SDK's SigV4 config resolver but absent from ECRClientConfig's type.
    const config: ECRClientConfig = Object.assign({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials, maxAttempts: 1 }, { signingName: 's3' });
    const client = new ECRClient(config);
    const got = await failure(client);
    expect(got).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(got.message).toContain("'ecr'");
  });

  it('rejects a signature scoped to another region', async () => {
    const got = await failure(ecrClient(emu, { region: 'eu-west-1' }));
    expect(got).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(got.message).toContain('region');
  });

  it('rejects a request signed more than 5 minutes ago', async () => {
    const client = new ECRClient({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials, maxAttempts: 1, systemClockOffset: -3_600_000 });
    const got = await failure(client);
    expect(got).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(got.message).toMatch(/expired/i);
  });

  it('rejects a body changed after signing, since the payload hash is part of the signature', async () => {
    const client = ecrClient(emu);
    const tamper: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
      const request = args.request as { body: string | Uint8Array };
      const { body } = request;
      const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      request.body = text.replace('signed', 'sigxed'); // same length, so Content-Length still holds
      return next(args);
    };
    client.middlewareStack.addRelativeTo(tamper, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamperBody' });
    const command = new DescribeRepositoriesCommand({ repositoryNames: ['signed'] });
    expect(await failure(client, command)).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
  });

  it('answers a request with no signature at all with 403 MissingAuthenticationTokenException', async () => {
    const res = await raw({});
    expect(res.status).toBe(403);
    expect(res.body.__type).toBe('MissingAuthenticationTokenException');
  });

  it('answers an Authorization header without Signature with 400 IncompleteSignatureException', async () => {
    const res = await raw({
      Authorization: `AWS4-HMAC-SHA256 Credential=${emu.credentials.accessKeyId}/20260101/${emu.region}/ecr/aws4_request, SignedHeaders=host`,
      'X-Amz-Date': '20260101T000000Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('IncompleteSignatureException');
    expect(res.body.message).toContain("'Signature'");
  });
});
