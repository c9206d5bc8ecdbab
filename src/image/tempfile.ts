/**
 * Private temporary files (directory 0700, file 0600) that are removed by their owner, and also
 * when the process exits or is stopped by SIGINT/SIGTERM. Handlers are installed on first use only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFile {
  /** Path of a file that does not exist yet; create it with mode 0o600 and flag 'wx'. */
  path: string;
  /** Remove the file and its private directory. Safe to call more than once. */
  remove(): void;
}

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  uninstall();
  // Nobody else handles the signal: end the process the way the default handler would.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', removeAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', removeAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function createTempFile(name: string, dir = tmpdir()): TempFile {
  const privateDir = mkdtempSync(join(dir, 'ecr-push-'));
  if (live.size === 0) install();
  live.add(privateDir);
  return {
    path: join(privateDir, name),
    remove() {
      if (!live.delete(privateDir)) return;
      rmSync(privateDir, { recursive: true, force: true });
      if (live.size === 0) uninstall();
    },
  };
}
