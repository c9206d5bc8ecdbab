import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEcrClient, resolvedRegion } from '../../src/ecr/client.js';
import type { PushEvent } from '../../src/events.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { emulatorProcessEnv } from '../helpers/emulator.js';

describe('the ECR client', () => {
  let emu: Emulator;
  let restoreEnv = (): void => undefined;
  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'app' }] });
    // The default credential chain reads the environment, as it would on a CI runner.
    restoreEnv = emulatorProcessEnv(emu);
    delete process.env.AWS_REGION;
    delete process.env.AWS_ENDPOINT_URL_ECR;
  });
  afterAll(async () => {
    restoreEnv();
    await emu?.stop();
  });

  it('reports each request (call, attempt, status, request id) and never a credential or signature', async () => {
    const events: PushEvent[] = [];
    const client = await createEcrClient({ region: emu.region, endpointUrl: emu.endpoint, onEvent: (e) => events.push(e) });
    await client.send(new DescribeRepositoriesCommand({}));
    client.destroy();
    expect(events).toEqual([expect.objectContaining({ type: 'request', call: 'DescribeRepositories', attempt: 1, status: 200, requestId: expect.any(String) })]);
    const text = JSON.stringify(events);
    for (const secret of [emu.credentials.secretAccessKey, emu.credentials.sessionToken, 'Signature=', 'AWS4-HMAC']) {
      expect(text).not.toContain(secret);
    }
  });

  it('numbers the SDK retry attempts of a throttled call', async () => {
    emu.addFault({ call: 'DescribeRepositories', times: 1, kind: { exception: 'ThrottlingException' } });
    const events: PushEvent[] = [];
    const client = await createEcrClient({ region: emu.region, endpointUrl: emu.endpoint, onEvent: (e) => events.push(e) });
    await client.send(new DescribeRepositoriesCommand({}));
    client.destroy();
    expect(events.map((e) => (e.type === 'request' ? [e.attempt, e.error ?? e.status] : []))).toEqual([[1, 'ThrottlingException'], [2, 200]]);
  });

  it('takes the region from the destination host when no --region is given', async () => {
    const client = await createEcrClient({ hostRegion: 'eu-central-1', endpointUrl: emu.endpoint });
    expect(await resolvedRegion(client)).toBe('eu-central-1');
    client.destroy();
  });

  it('lets --region win over the destination host', async () => {
    const client = await createEcrClient({ region: 'us-west-2', hostRegion: 'eu-central-1' });
    expect(await resolvedRegion(client)).toBe('us-west-2');
    client.destroy();
  });

  it('makes one attempt per request with --max-attempts 1', async () => {
    emu.addFault({ call: 'DescribeRepositories', times: 1, kind: { exception: 'ThrottlingException' } });
    const client = await createEcrClient({ region: emu.region, endpointUrl: emu.endpoint, maxAttempts: 1 });
    await expect(client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    client.destroy();
  });

  it('refuses a region the SDK would not accept with a usage error naming --region', async () => {
    await expect(createEcrClient({ region: 'not_a_region', endpointUrl: emu.endpoint })).rejects.toMatchObject({
      name: 'UsageError', message: expect.stringMatching(/^--region 'not_a_region' is not an AWS region/),
    });
  });

  it('says a named profile is missing from the shared files, and the SDK prints no warning about the keys in the environment', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const client = await createEcrClient({ region: emu.region, endpointUrl: emu.endpoint, profile: 'nosuch' });
      await expect(client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({
        name: 'CredentialsError',
        message: "profile 'nosuch' (from --profile) not found in /nonexistent/aws-config or /nonexistent/aws-credentials",
      });
      client.destroy();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
