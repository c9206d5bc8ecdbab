/**
 * Bounded fuzz (fixed seed): mutated fixture archives — flipped bytes, truncation, spliced tar
 * headers, JSON edits re-digested up the chain, some gzip-wrapped — go through inspect() and a
 * dry-run push() in-process, some through a real push to the emulator, and a sample through the
 * real CLI. Nothing may fail with anything but an EcrPushError whose name is in the exit-code
 * table (never InternalError, exit 1); a push that fails puts no tag; no temporary file is left.
 * ECR_PUSH_FUZZ_CASES (default 300) sets the number of cases.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcrPushError, EXIT_CODES } from '../../src/errors.js';
import { inspect } from '../../src/inspect.js';
import { push } from '../../src/push.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli } from '../cli/run-cli.js';
import { envCount } from './env-count.js';
import { CRASH, expectOneFailureLine, KNOWN_EXIT_CODES } from './failure-lines.js';
import { flipBytes, gzip, mutateJsonEntry, Rng, spliceBlocks, truncate } from './mutate.js';
import { readTar, writeTarEntries } from './tar-edit.js';
import { FIXTURES } from './variants.js';

const CASES = envCount('ECR_PUSH_FUZZ_CASES', 300);
const SEED = 'ecr-push-fuzz-1';
/** Every CLI_EVERY-th case also runs through the real CLI, every PUSH_EVERY-th is really pushed. */
const CLI_EVERY = 15;
const PUSH_EVERY = 20;

/** Error names the table knows, except InternalError (exit 1 means a bug). */
const EXPECTED_NAMES = new Set(EXIT_CODES.filter((r) => r.code !== 1).flatMap((r) => r.names));

const BASES = ['oci-archive.tar', 'docker-archive.tar', 'docker-archive.tar.gz'].map((f) => join(FIXTURES, f));
const MUTATIONS = ['flip', 'truncate', 'splice', 'json', 'json+gzip'] as const;
type Mutation = (typeof MUTATIONS)[number];

interface Case {
  n: number;
  base: string;
  mutation: Mutation;
  file: string;
}

async function makeCase(n: number, dir: string): Promise<Case> {
  const rng = new Rng(`${SEED}:${n}`);
  const mutation = rng.pick(MUTATIONS);
  const tars = BASES.filter((b) => b.endsWith('.tar'));
  const base = mutation.startsWith('json') ? rng.pick(tars) : rng.pick(BASES);
  const file = join(dir, `case-${n}${mutation.endsWith('gzip') || base.endsWith('.gz') ? '.tar.gz' : '.tar'}`);
  if (mutation.startsWith('json')) {
    await writeTarEntries(file, mutateJsonEntry(rng, await readTar(base)));
    if (mutation === 'json+gzip') writeFileSync(file, gzip(readFileSync(file)));
  } else {
    const edit = mutation === 'flip' ? flipBytes : mutation === 'truncate' ? truncate : spliceBlocks;
    writeFileSync(file, edit(rng, readFileSync(base)));
  }
  return { n, base, mutation, file };
}

const label = (c: Case): string => `case ${c.n} (${c.mutation} of ${c.base.slice(FIXTURES.length + 1)})`;

/** How `work` ended: 'ok' or the error's name, and what was wrong when it did not fail cleanly. */
async function settle(work: () => Promise<unknown>): Promise<{ outcome: string; problem?: string }> {
  try {
    await work();
    return { outcome: 'ok' };
  } catch (err) {
    const e = err as Error;
    if (err instanceof EcrPushError && EXPECTED_NAMES.has(err.name)) return { outcome: err.name };
    return { outcome: String(e?.name), problem: `${e?.name}: ${e?.message}\n${e?.stack ?? ''}` };
  }
}

describe('fuzzed archives fail cleanly', () => {
  let emu: Emulator;
  let dir: string;
  let tmp: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'fuzz/dry' }] });
    dir = mkdtempSync(join(tmpdir(), 'ecr-push-fuzz-'));
    // In-process pushes read credentials from the environment and spool into TMPDIR: both are
    // this test's own (vitest runs each test file in its own worker process).
    tmp = mkdtempSync(join(tmpdir(), 'ecr-push-fuzz-tmp-'));
    Object.assign(process.env, emu.env, { TMPDIR: tmp, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none') });
  });
  afterAll(async () => {
    process.env = savedEnv;
    await emu?.stop();
    for (const d of [dir, tmp]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it(`${CASES} mutated archives: inspect and push end in success or a table error, never a crash`, async () => {
    const problems: string[] = [];
    const outcomes = new Map<string, number>();
    const aws = { endpointUrl: emu.endpoint, region: emu.region, maxAttempts: 1, cacheDir: join(dir, 'cache') };
    for (let n = 1; n <= CASES; n++) {
      const c = await makeCase(n, dir);
      const inspected = await settle(() => inspect({ source: c.file }));
      outcomes.set(inspected.outcome, (outcomes.get(inspected.outcome) ?? 0) + 1);
      if (inspected.problem) problems.push(`${label(c)}: inspect: ${inspected.problem}`);
      const dry = await settle(() => push({ source: c.file, destination: 'fuzz/dry:v1', dryRun: true, ...aws }));
      if (dry.problem) problems.push(`${label(c)}: dry-run push: ${dry.problem}`);
      if (n % PUSH_EVERY === 0) {
        const repo = `fuzz/r${n}`;
        emu.createRepository(repo);
        const pushed = await settle(() => push({ source: c.file, destination: `${repo}:v1`, ...aws }));
        if (pushed.problem) problems.push(`${label(c)}: push: ${pushed.problem}`);
        const tags = emu.tags(repo);
        if (pushed.outcome !== 'ok' && Object.keys(tags).length > 0) problems.push(`${label(c)}: a failed push left tags ${JSON.stringify(tags)}`);
      }
      rmSync(c.file, { force: true });
    }
    console.log(`fuzz: ${CASES} cases, inspect outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(problems).toEqual([]);
    // Every spooled temporary file (gzip cases) was removed, on success and on failure alike.
    expect(readdirSync(tmp)).toEqual([]);
    // The mutations are not all harmless: most cases must have been refused as input errors.
    expect(outcomes.get('InputError') ?? 0).toBeGreaterThan(CASES / 2);
  }, 120_000);

  const skip = notBuilt();
  it.skipIf(skip)(`a sample through the real CLI exits with a table code and one failure line${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const codes = new Map<number, number>();
    for (let n = CLI_EVERY; n <= CASES; n += CLI_EVERY) {
      const c = await makeCase(n, dir);
      const args = n % (2 * CLI_EVERY) === 0 ? ['inspect', c.file] : [c.file, 'fuzz/dry:v1', '--dry-run'];
      const env = cleanEnv(emu.env);
      const run = await runCli(args, { env });
      rmSync(env.HOME!, { recursive: true, force: true });
      const where = `${label(c)}: ecr-push ${args.join(' ')}\n${run.stderr}`;
      expect(KNOWN_EXIT_CODES.has(run.code ?? -1), where).toBe(true);
      expect(run.code, where).not.toBe(1);
      expect(run.stderr, where).not.toMatch(CRASH);
      if (run.code !== 0) expectOneFailureLine(run.stderr, 'InputError'); // exit 3: never an AWS exception
      codes.set(run.code!, (codes.get(run.code!) ?? 0) + 1);
      rmSync(c.file, { force: true });
    }
    console.log(`fuzz: CLI exit codes ${JSON.stringify(Object.fromEntries(codes))}`);
  }, 120_000);
});
