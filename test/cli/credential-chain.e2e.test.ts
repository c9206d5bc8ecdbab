/**
 * The bundled CLI finds credentials through each link of the SDK's default chain, every one
 * loaded on demand from its own chunk: a --profile with keys in the shared credentials file, a
 * credential_process, web identity (STS), an SSO profile with a cached token, the ECS container
 * endpoint and EC2 instance metadata. Each run is a dry-run push, which the emulator accepts only
 * with its own credentials, signed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from '../emulator/index.js';
import { fixture } from '../helpers/paths.js';
import { startCredentialEndpoints, type CredentialEndpoints } from './credential-endpoints.js';
import { cleanEnv, notBuilt, removeHomes, runCli } from './run-cli.js';

const skip = notBuilt();
const { accessKeyId, secretAccessKey, sessionToken } = EMULATOR_CREDENTIALS;

describe.skipIf(skip)(`credentials through the default chain${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let endpoints: CredentialEndpoints;

  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'creds/app' }] });
    endpoints = await startCredentialEndpoints(EMULATOR_CREDENTIALS);
  });
  afterAll(async () => {
    await endpoints?.stop();
    await emu?.stop();
    removeHomes();
  });

  function writeHomeFile(home: string, path: string, text: string): void {
    mkdirSync(join(home, path, '..'), { recursive: true });
    writeFileSync(join(home, path), text);
  }

  /** A HOME with these files (paths relative to it), the emulator as ECR, and no credentials in the environment. */
  function envWith(files: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
    const env = cleanEnv({ AWS_REGION: emu.region, AWS_ENDPOINT_URL_ECR: emu.endpoint, ...extra });
    for (const [path, text] of Object.entries(files)) writeHomeFile(env.HOME!, path, text);
    return { ...env, AWS_CONFIG_FILE: join(env.HOME!, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(env.HOME!, '.aws', 'credentials') };
  }

  async function dryRun(env: Record<string, string>, args: string[] = []): Promise<string[]> {
    const before = endpoints.calls.length;
    const run = await runCli([fixture('oci-layout'), 'creds/app:v1', '--dry-run', '--json', ...args], { env });
    expect(run.stderr).not.toMatch(/Warning/);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).status).toBe('dry-run');
    return endpoints.calls.slice(before);
  }

  it('--profile with keys in the shared credentials file', async () => {
    const credentials = `[static]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\naws_session_token = ${sessionToken}\n`;
    expect(await dryRun(envWith({ '.aws/credentials': credentials }), ['--profile', 'static'])).toEqual([]);
  });

  it('AWS_PROFILE naming a credential_process', async () => {
    const output = JSON.stringify({ Version: 1, AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken });
    const env = envWith({ 'print-credentials.mjs': `console.log(${JSON.stringify(output)});\n` }, { AWS_PROFILE: 'proc' });
    writeHomeFile(env.HOME!, '.aws/config', `[profile proc]\ncredential_process = ${process.execPath} ${join(env.HOME!, 'print-credentials.mjs')}\n`);
    expect(await dryRun(env)).toEqual([]);
  });

  it('web identity, through STS AssumeRoleWithWebIdentity', async () => {
    const env = envWith({ token: 'a-web-identity-token' });
    const calls = await dryRun({
      ...env, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/ci', AWS_WEB_IDENTITY_TOKEN_FILE: join(env.HOME!, 'token'),
      AWS_ENDPOINT_URL_STS: endpoints.url,
    });
    expect(calls).toEqual(['POST /']);
  });

  it('an SSO profile with a cached token, through the portal\'s GetRoleCredentials', async () => {
    const session = 'corp';
    const token = JSON.stringify({ accessToken: 'sso-access-token', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), region: emu.region, startUrl: 'https://corp.awsapps.com/start' });
    const config = `[profile sso]\nsso_session = ${session}\nsso_account_id = ${emu.accountId}\nsso_role_name = Push\nregion = ${emu.region}\n`
      + `[sso-session ${session}]\nsso_region = ${emu.region}\nsso_start_url = https://corp.awsapps.com/start\n`;
    const cacheFile = `.aws/sso/cache/${createHash('sha1').update(session).digest('hex')}.json`;
    const env = envWith({ '.aws/config': config, [cacheFile]: token }, { AWS_ENDPOINT_URL_SSO: endpoints.url });
    expect(await dryRun(env, ['--profile', 'sso'])).toEqual(['GET /federation/credentials']);
  });

  it('the ECS container credentials endpoint', async () => {
    const env = envWith({}, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoints.url}/ecs-credentials` });
    expect(await dryRun(env)).toEqual(['GET /ecs-credentials']);
  });

  it('EC2 instance metadata (IMDSv2)', async () => {
    const env = envWith({}, { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoints.url });
    const calls = await dryRun(env);
    expect(calls).toContain('PUT /latest/api/token');
    expect(calls).toContain('GET /latest/meta-data/iam/security-credentials/ecr-push-test-role');
  });

  describe('a named profile', () => {
    const staticKeys = (name: string): string =>
      `[${name}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\naws_session_token = ${sessionToken}\n`;
    /** Keys in the environment too: the SDK warns about two credential sources, and the user must never see that. */
    const envKeys = { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken };

    it.each([
      ['--profile nosuch', ['--profile', 'nosuch'], {}, 'from --profile'],
      ['AWS_PROFILE=nosuch', [], { AWS_PROFILE: 'nosuch' }, 'from AWS_PROFILE'],
    ])('%s that neither shared file defines: exit 4 saying so, and no SDK warning', async (_what, args, extra, from) => {
      const env = envWith({ '.aws/config': '[profile ci]\nregion = us-east-1\n', '.aws/credentials': staticKeys('static') }, { ...envKeys, ...extra });
      const run = await runCli([fixture('oci-layout'), 'creds/app:v1', '--dry-run', ...args], { env });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).not.toMatch(/WARN|@aws-sdk|Multiple credential sources/);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines.at(-2)).toBe(`ecr-push: profile 'nosuch' (${from}) not found in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}`);
      expect(lines.at(-1)).toBe('hint: profiles there: ci, static; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not used when a profile is named');
    });

    it('that neither shared file defines, when it would also have given the region: exit 4 naming the profile, not "no region"', async () => {
      const env = envWith({ '.aws/config': '[profile ci]\nregion = us-east-1\n' }, envKeys);
      delete env.AWS_REGION;
      const run = await runCli([fixture('oci-layout'), 'creds/app:v1', '--dry-run', '--profile', 'nosuch'], { env });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(/ecr-push: profile 'nosuch' \(from --profile\) not found in /);
    });

    it('that exists is used, with keys in the environment too, and without a warning', async () => {
      const env = envWith({ '.aws/credentials': staticKeys('static') }, envKeys);
      expect(await dryRun(env, ['--profile', 'static'])).toEqual([]);
    });

    it('gives the region when nothing else does', async () => {
      const env = envWith({ '.aws/config': `[profile static]\nregion = ${emu.region}\n`, '.aws/credentials': staticKeys('static') });
      delete env.AWS_REGION;
      expect(await dryRun(env, ['--profile', 'static'])).toEqual([]);
    });

    it('with a region the SDK refuses: exit 2 naming the profile and its file', async () => {
      const env = envWith({ '.aws/config': '[profile static]\nregion = not_a_region\n', '.aws/credentials': staticKeys('static') });
      delete env.AWS_REGION;
      const run = await runCli([fixture('oci-layout'), 'creds/app:v1', '--dry-run', '--profile', 'static'], { env });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`ecr-push: region 'not_a_region' of profile 'static' in ${env.AWS_CONFIG_FILE} is not an AWS region`);
      expect(run.stderr).not.toMatch(/Region not accepted|InternalError|this is a bug/);
    });
  });
});
