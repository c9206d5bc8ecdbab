/**
 * Runs a process with `record-loads.mjs` (NODE_OPTIONS) and reads back what it loaded: the URL
 * of every ES module and `node:<name>` for every built-in module, one entry per line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RECORDER = fileURLToPath(new URL('./record-loads.mjs', import.meta.url));

export interface LoadRecording {
  /** Environment to add to the recorded process's own. */
  env: Record<string, string>;
  /** Everything the process loaded; call after it has exited. */
  loaded(): string[];
}

/** A recording whose list is written into `dir`. */
export function loadRecording(dir: string): LoadRecording {
  const list = join(dir, 'loaded.txt');
  return {
    env: { NODE_OPTIONS: `--import="${RECORDER}"`, ECR_PUSH_TEST_LOADS: list },
    loaded: () => readFileSync(list, 'utf8').split('\n'),
  };
}
