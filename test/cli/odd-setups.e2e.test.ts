/**
 * Setups a user gets into by accident, through the real CLI: an endpoint that is not ECR, SDK
 * settings that contradict a custom endpoint, Node flags from NODE_OPTIONS, and `inspect --json`
 * given a bad command line. Each ends with the documented exit code and one clear line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneFailureLine } from '../robustness/failure-lines.js';
import { cleanEnv, notBuilt, repoRoot, runCli } from './run-cli.js';

const skip = notBuilt();

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'example', AWS_REGION: 'us-east-1' };

describe.skipIf(skip)(`odd setups${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    // A web server, not ECR: an HTML page for any POST to /, 503 under /down/, 405 elsewhere.
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html></html>');
      else if (req.url === '/down/') res.writeHead(503).end();
      else res.writeHead(405).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.for([['an HTML page', '/', 200], ['HTTP 405', '/v2/', 405]] as const)(
    'an endpoint answering with %s is "not ECR" (exit 25), naming no JavaScript error class',
    async ([, path, status]) => {
      const run = await runCli(['fixtures/oci-layout', 'app:v1', '--endpoint-url', `${url}${path}`, '--max-attempts', '1', '--json'], { env: cleanEnv(KEYS) });
      expect(run.code, run.stderr).toBe(25);
      expect(expectOneFailureLine(run.stderr, 'EcrError')).toBe(`ecr-push: the endpoint did not answer like ECR (HTTP ${status})`);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { name: 'EcrError', exitCode: 25 } });
    },
  );

  it('a bare HTTP 5xx without an ECR error body is a server error (exit 18), after the retries', async () => {
    const run = await runCli(['fixtures/oci-layout', 'app:v1', '--endpoint-url', `${url}/down/`, '--max-attempts', '2'], { env: cleanEnv(KEYS) });
    expect(run.code, run.stderr).toBe(18);
    expect(expectOneFailureLine(run.stderr, 'ServerException')).toMatch(/^ecr-push: ECR answered HTTP 503 without an error it names/);
  });

  it('AWS_USE_DUALSTACK_ENDPOINT with a custom endpoint is a usage error (exit 2), not a bug', async () => {
    const run = await runCli(['fixtures/oci-layout', 'app:v1', '--endpoint-url', url], { env: cleanEnv({ ...KEYS, AWS_USE_DUALSTACK_ENDPOINT: 'true' }) });
    expect(run.code, run.stderr).toBe(2);
    expect(expectOneFailureLine(run.stderr, 'UsageError')).toMatch(/Dualstack and custom endpoint are not supported/);
  });

  it('runs with --no-deprecation in NODE_OPTIONS, as CI setups quieting Node do', async () => {
    const run = await runCli(['--version'], { env: cleanEnv({ NODE_OPTIONS: '--no-deprecation' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('a SIGINT while the command line is still being read still ends with exit 130 and, with --json, the JSON object', async () => {
    const preload = join(repoRoot, 'test', 'cli', 'early-signal.mjs');
    const run = await runCli(['fixtures/oci-layout', 'app:v1', '--endpoint-url', url, '--json'], { env: cleanEnv({ ...KEYS, NODE_OPTIONS: `--import ${preload}` }) });
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { name: 'Interrupted', exitCode: 130 } });
    expect(run.stderr).toMatch(/^ecr-push: interrupted by SIGINT: nothing was sent\n/);
  });

  it('inspect --json with a bad command line prints the inspect error object and the inspect hint', async () => {
    const run = await runCli(['inspect', 'fixtures/oci-index', '--platform', 'bogus', '--json'], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'error', source: 'fixtures/oci-index', images: [],
      error: { name: 'UsageError', exitCode: 2, message: expect.stringContaining('--platform') as string },
    });
    expect(run.stderr).toMatch(/\nhint: run `ecr-push inspect --help`/);
  });
});
