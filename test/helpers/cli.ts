/**
 * Run the real CLI (`node bin/ecr-push.js`, built by `npm run build`) as a child process, with an
 * environment that reads no real AWS configuration, credentials or cache.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const CLI = join(REPO_ROOT, 'bin', 'ecr-push.js');

/** Why end-to-end tests cannot run (no build), or undefined. */
export function cliMissing(): string | undefined {
  return existsSync(join(REPO_ROOT, 'dist', 'cli.js')) ? undefined : 'dist/ is missing: run `npm run build` first';
}

/**
 * A private HOME for one test: HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME point into it and the AWS
 * shared files point at paths that do not exist, so nothing outside the test is read.
 */
export async function isolatedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const home = await mkdtemp(join(tmpdir(), 'ecr-push-home-'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

export interface RunOptions {
  env: Record<string, string>;
  /** Bytes for standard input (closed at once otherwise). */
  input?: Buffer;
  /** Kill the process after this long (default 120 s). */
  timeoutMs?: number;
  /** Called once the process has started, e.g. to send it a signal. */
  onSpawn?: (pid: number) => void;
}

export function runCli(args: string[], opts: RunOptions): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  });
}
