/** --help, --version and command-line mistakes through the real CLI; no AWS involved. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { cleanEnv, notBuilt, repoRoot, runCli, removeHomes } from './run-cli.js';

const skip = notBuilt();
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(skip)(`help, version and usage errors${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(removeHomes);

  it('--version prints the package version and nothing else', async () => {
    const run = await runCli(['--version'], { env: cleanEnv() });
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--version and --help run without loading the AWS SDK', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(join(repoRoot, 'dist', 'cli.js'))});
      for (const args of [['--version'], ['--help']]) await main(args);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@aws-sdk') || k.includes('@smithy'));
      process.stderr.write('loaded:' + loaded.length);`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: cleanEnv() });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toBe('loaded:0');
  });

  it('--help shows the commands, the push options, examples and every exit code', async () => {
    const run = await runCli(['--help'], { env: cleanEnv() });
    expect(run.code).toBe(0);
    for (const text of ['push [options] <source> <destination>', 'tag [options] <reference> <new-tags...>', 'inspect [options] <source>', '--part-size <size>', '--digest-file <file>', 'Examples:', 'ecr-push tag app:v1 stable latest']) {
      expect(run.stdout).toContain(text);
    }
    for (const r of EXIT_CODES) expect(run.stdout).toContain(`${String(r.code).padEnd(5)}${r.meaning}`);
  });

  it('each command\'s help fits it: tag shows tag examples only, inspect\'s --platform shows rather than pushes', async () => {
    const tag = await runCli(['tag', '--help'], { env: cleanEnv() });
    expect(tag.code).toBe(0);
    expect(tag.stdout).toContain('ecr-push tag app:v1 stable latest');
    expect(tag.stdout).not.toContain('ecr-push ./image.tar');
    const inspect = await runCli(['inspect', '--help'], { env: cleanEnv() });
    expect(inspect.stdout).toMatch(/--platform <os\/arch\[\/variant\]>\s+show only this platform's manifest/);
  });

  it('help for a command that does not exist exits 2 naming it', async () => {
    const run = await runCli(['help', 'bogus'], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("ecr-push: unknown command 'bogus'\nhint: run `ecr-push --help` for usage and examples\n");
  });

  it('an unknown option exits 2 with one line saying so and one hint line; --json adds the error object', async () => {
    const run = await runCli(['./x.tar', 'app:v1', '--frobnicate', '--json'], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("ecr-push: unknown option '--frobnicate'\nhint: run `ecr-push --help` for usage and examples\n");
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { name: 'UsageError', exitCode: 2 } });
  });

  it('a bad number exits 2 before anything is read', async () => {
    const run = await runCli(['./does-not-exist.tar', 'app:v1', '--concurrency', 'lots'], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ecr-push: --concurrency must be a whole number, got 'lots'\n/);
  });

  it('-v shows the stack trace of a failure; without -v there is none', async () => {
    const quiet = await runCli(['inspect', './does-not-exist.tar'], { env: cleanEnv() });
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(['./does-not-exist.tar', 'app:v1', '-v'], { env: cleanEnv({ AWS_REGION: 'us-east-1' }) });
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\nhint: .*\nInputError: .*\n\s+at /);
  });
});
