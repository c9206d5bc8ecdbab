/**
 * Bad values on the command line or in the AWS environment are usage errors (exit 2) found before
 * anything runs: the source given here does not exist, so reaching it would exit 3 instead. Each
 * prints exactly the two failure lines, names the flag or variable, and no Node or SDK warning.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, closedPort, notBuilt, removeHomes, runCli } from './run-cli.js';

const skip = notBuilt();

describe.skipIf(skip)(`usage errors before the image is read${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(removeHomes);

  async function env(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    return cleanEnv({
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${await closedPort()}`, ...extra,
    });
  }

  it.each([
    ['--region not_a_region', ['app:v1', '--region', 'not_a_region'], {}, "--region 'not_a_region' is not an AWS region"],
    ['AWS_REGION with spaces', ['app:v1'], { AWS_REGION: 'us east 1' }, "AWS_REGION 'us east 1' is not an AWS region"],
    ['an empty --region', ['app:v1', '--region', ''], {}, '--region is empty'],
    ['AWS_ENDPOINT_URL_ECR=garbage', ['app:v1'], { AWS_ENDPOINT_URL_ECR: 'garbage' }, "AWS_ENDPOINT_URL_ECR must be an http:// or https:// URL, got 'garbage'"],
    ['AWS_ENDPOINT_URL=garbage', ['app:v1'], { AWS_ENDPOINT_URL_ECR: '', AWS_ENDPOINT_URL: 'garbage' }, "AWS_ENDPOINT_URL must be an http:// or https:// URL, got 'garbage'"],
    ['an empty -t', ['app:v1', '-t', ''], {}, "-t/--tag got an empty tag in ''"],
    ['-t a,,b', ['app:v1', '-t', 'a,,b'], {}, "-t/--tag got an empty tag in 'a,,b'"],
    ['an empty --profile', ['app:v1', '--profile', ''], {}, '--profile must not be empty'],
    ['an empty --digest-file', ['app:v1', '--digest-file', ''], {}, '--digest-file must not be empty'],
    ['a --digest-file in a missing directory', ['app:v1', '--digest-file', 'no-such-dir/d.txt'], {}, "directory 'no-such-dir' does not exist"],
    ['--registry-id against another account in the host', ['111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1', '--registry-id', '999999999999'], {},
      '--registry-id 999999999999 contradicts the account 111122223333'],
  ])('%s: exit 2, one line naming it, nothing read', async (_what, args, extra, message) => {
    const run = await runCli(['no-such-image.tar', ...args], { env: await env(extra) });
    expect(run.code, run.stderr).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(/^ecr-push: /);
    expect(lines[1]).toMatch(/^hint: /);
    expect(run.stdout).toBe('');
  });

  it('the tag command checks the environment the same way', async () => {
    const run = await runCli(['tag', 'app:v1', 'v2'], { env: await env({ AWS_REGION: 'not_a_region' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("AWS_REGION 'not_a_region' is not an AWS region");
  });

  it('--json prints the usage error as the one JSON object', async () => {
    const run = await runCli(['no-such-image.tar', 'app:v1', '--json'], { env: await env({ AWS_ENDPOINT_URL_ECR: 'garbage' }) });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { name: 'UsageError', exitCode: 2, message: expect.stringContaining('AWS_ENDPOINT_URL_ECR') } });
  });
});
