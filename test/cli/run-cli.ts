/**
 * Spawns the built CLI (`node bin/ecr-push.js`) the way a user or a CI job runs it, with an
 * environment holding nothing from this machine's AWS setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeScratch, scratchDir } from '../helpers/scratch.js';

export { sharedImagesDir as sharedImages } from '../emulator/sdk.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repoRoot, 'bin', 'ecr-push.js');

/** Why the CLI tests cannot run, or undefined when the CLI is built (dist/, then bundle/ from it). */
export function notBuilt(): string | undefined {
  return existsSync(join(repoRoot, 'bundle', 'cli.js')) ? undefined : 'bundle/cli.js is missing: run `npm run build` first';
}

/**
 * PATH plus an empty HOME (TMPDIR is HOME/tmp, empty too; the XDG cache and config dirs inside
 * HOME): no ~/.aws files, no instance metadata lookups, no CI variables, no colour forcing. Tests
 * add what they need (usually the emulator's env). `removeHomes()` (in an afterAll) deletes them.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = scratchDir('ecr-push-cli-home');
  mkdirSync(join(home, 'tmp'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Delete every HOME that cleanEnv() made in this test file. */
/** Remove the homes cleanEnv() made (test/setup.ts also does this after every test file). */
export const removeHomes = removeScratch;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Bytes for standard input (closed at once otherwise). */
  input?: Buffer;
  /** Called once the process has started. */
  onSpawn?: (pid: number) => void;
  /** Called with all stderr so far on every chunk (to send a signal at the right moment). */
  onStderr?: (stderr: string, child: ChildProcess) => void;
  timeoutMs?: number;
}

export function runCli(args: string[], opts: RunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // The CLI may stop reading standard input early (a failure); that is not the test's error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  });
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
