/**
 * The bad-input matrix through the real CLI against the emulator: every broken source exits 3 with
 * one line naming the problem (and at most a hint), and never starts an upload or puts a manifest.
 * A flipped byte inside a layer can only be seen while that layer streams: there the upload may
 * start, but it is never completed and nothing is put.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli } from '../cli/run-cli.js';
import { expectOneFailureLine } from './failure-lines.js';
import { BAD_INPUTS, type BadInput } from './variants.js';

const skip = notBuilt();

describe.skipIf(skip)(`bad input through the real CLI${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    emu = await startEmulator();
    dir = mkdtempSync(join(tmpdir(), 'ecr-push-bad-input-'));
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.for(BAD_INPUTS.map((c): [string, BadInput] => [c.name, c]))(
    '%s: exit 3, one line naming the problem, nothing uploaded or put',
    async ([, c], ctx) => {
      const missing = c.skip?.();
      if (missing) ctx.skip(missing);
      const source = await c.make(dir);
      const repo = `bad/r${++n}`;
      emu.createRepository(repo);
      const run = await runCli([source, `${repo}:v1`], { env: cleanEnv(emu.env) });

      expect(run.code, run.stderr).toBe(3);
      expect(expectOneFailureLine(run.stderr, 'InputError')).toMatch(c.problem);
      const hint = run.stderr.split('\n').find((l) => l.startsWith('hint: '));
      if (c.hint) expect(hint, run.stderr).toMatch(c.hint);
      else expect(hint, run.stderr).toBeUndefined();
      expect(run.stdout).toBe('');
      const calls = emu.calls.filter((call) => call.repository === repo).map((call) => call.call);
      expect(calls).not.toContain('PutImage');
      expect(emu.tags(repo)).toEqual({});
      if (!c.streaming) {
        // Refused before anything was sent: the whole of stderr is the failure (and its hint).
        expect(calls).not.toContain('InitiateLayerUpload');
        expect(run.stderr).toMatch(/^ecr-push: [^\n]+\n(hint: [^\n]+\n)?$/);
      } else {
        // The corrupt layer's upload was stopped: fewer uploads completed than were begun.
        const completed = emu.calls.filter((call) => call.repository === repo && call.call === 'CompleteLayerUpload' && call.status === 200);
        expect(completed.length).toBeLessThan(calls.filter((call) => call === 'InitiateLayerUpload').length);
      }
    },
  );
});
