/**
 * What the bundled CLI (bin/ecr-push.js → bundle/) loads: `--version` and `--help` none of the AWS
 * SDK, a request with environment credentials the SDK but none of the other credential
 * providers' clients (SSO, STS). Each run records the files it loaded; their text is searched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/scratch.js';
import { cleanEnv, closedPort, notBuilt, removeHomes, repoRoot, runCli, type CliRun } from './run-cli.js';

const skip = notBuilt();
const RECORDER = fileURLToPath(new URL('./record-loads.mjs', import.meta.url));
const BUNDLE = join(repoRoot, 'bundle');

/** Run the CLI; resolves with the run and the text of every bundle file it loaded. */
async function runRecording(args: string[], env: Record<string, string> = {}): Promise<{ run: CliRun; files: string[]; code: string }> {
  const list = join(scratchDir('ecr-push-loads'), 'loaded.txt');
  const run = await runCli(args, { env: cleanEnv({ ...env, NODE_OPTIONS: `--import="${RECORDER}"`, ECR_PUSH_TEST_LOADS: list }) });
  const files = readFileSync(list, 'utf8').split('\n').filter((u) => u.startsWith(`${pathToFileURL(BUNDLE).href}/`));
  return { run, files, code: files.map((u) => readFileSync(fileURLToPath(u), 'utf8')).join('\n') };
}

describe.skipIf(skip)(`start-up of the bundled CLI${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(removeHomes);

  it('--version and --help load the bundled CLI but none of the AWS SDK', async () => {
    for (const args of [['--version'], ['--help']]) {
      const { run, files, code } = await runRecording(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(files.some((u) => u.endsWith('/bundle/cli.js'))).toBe(true);
      expect(code).not.toContain('ECRClient');
    }
  });

  it('a request with environment credentials loads the SDK, and no SSO or STS client', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { run, code } = await runRecording(['tag', 'app:v1', 'stable', '--endpoint-url', endpoint, '--max-attempts', '1'], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1',
    });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).not.toMatch(/Warning/);
    expect(code).toContain('ECRClient');
    const everything = readdirSync(BUNDLE).map((f) => readFileSync(join(BUNDLE, f), 'utf8')).join('\n');
    for (const other of ['GetRoleCredentials', 'AssumeRoleWithWebIdentity']) {
      expect(everything).toContain(other);
      expect(code).not.toContain(other);
    }
  });
});
