/** Runs the CLI in a real pseudo-terminal with util-linux `script`, returning everything the terminal received. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './run-cli.js';

/** Why no pseudo-terminal can be made here, or undefined. */
export function noScript(): string | undefined {
  return spawnSync('script', ['--version']).status === 0 ? undefined : 'util-linux `script` is not installed';
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The pid of the CLI under `script` (the shell execs it, so it is script's only child), or undefined. */
export function cliPid(scriptPid: number): number | undefined {
  const out = spawnSync('pgrep', ['-P', String(scriptPid)], { encoding: 'utf8' });
  const pid = Number(out.stdout.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function runInTerminal(
  args: string[],
  env: Record<string, string>,
  onStart?: (scriptPid: number) => void,
): Promise<{ code: number | null; screen: string }> {
  // A pty made without a terminal on stdin has no size; give it one, as a terminal window would.
  const command = `stty cols 120 rows 40; exec ${[process.execPath, join(repoRoot, 'bin', 'ecr-push.js'), ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    // -q quiet, -f flush each write, -e return the command's exit code, -c the command; no log file.
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, env: { TERM: 'xterm-256color', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
    if (child.pid !== undefined) onStart?.(child.pid);
  });
}
