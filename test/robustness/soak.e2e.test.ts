/**
 * Soak: the emulator injects a fault into about 10% of ECR calls at random (ThrottlingException,
 * HTTP 500, connection reset, added latency), and every push of the real CLI still succeeds, each
 * to a fresh repository, each pulled back by skopeo identical to its source.
 *
 * Size and time: 50 pushes of the 45 MiB image take about 10 minutes on two shared cores (bytes
 * through SigV4 and base64 dominate), so the multi-part pushes use the small fixtures with the
 * emulator offering 2 KiB parts (setPartSize): every layer still goes up in 3 or 4 parts, each
 * part faulted at random, and the run stays near two minutes. A few pushes of the 45 MiB image in
 * real 5 MiB parts (ECR's smallest) follow. ECR_PUSH_SOAK_PUSHES (default 50) and
 * ECR_PUSH_SOAK_BIG_PUSHES (default 2) change the counts.
 *
 * `--max-attempts 5`: with 7.5% of attempts failing, the default 3 would give up on about one call
 * in 2,400 (0.075^3), i.e. roughly once per soak run; a CI job on a flaky network raises it the same way.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type Fault } from '../emulator/index.js';
import { bigImage } from '../helpers/big-image.js';
import { skopeoMissing } from '../helpers/skopeo.js';
import { cleanEnv, notBuilt, runCli } from '../cli/run-cli.js';
import { envCount } from './env-count.js';
import { expectPulledIdentical } from './pull-back.js';
import { FIXTURES } from './variants.js';

const PUSHES = envCount('ECR_PUSH_SOAK_PUSHES', 50);
const BIG_PUSHES = envCount('ECR_PUSH_SOAK_BIG_PUSHES', 2);
/** Pushes running at once: most of a push is waiting (retry backoff, latency, process start). */
const AT_ONCE = 3;
const SMALL_PARTS = 2048;
const MiB = 1024 * 1024;

/** Each kind fires on 2.5% of calls: about 10% of calls get a fault. */
const FAULTS: Fault[] = [
  { probability: 0.025, kind: { exception: 'ThrottlingException', message: 'Rate exceeded' } },
  { probability: 0.025, kind: { http500: true } },
  { probability: 0.025, kind: { reset: true } },
  { probability: 0.025, kind: { latencyMs: 200 } },
];

/** The two fixtures the small soak alternates: one platform, and an index of two platforms. */
const SOURCES = [`${FIXTURES}/oci-layout`, `${FIXTURES}/oci-index`];

const skip = notBuilt() ?? skopeoMissing();

describe.skipIf(skip)(`soak under random faults${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let n = 0;

  beforeAll(async () => {
    emu = await startEmulator({ seed: 6 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  /** Push `source` to a fresh repository under faults, then pull it back (faults do not touch /v2). */
  async function pushAndCompare(source: string, extra: string[]): Promise<void> {
    const repo = `soak/p${++n}`;
    const tag = `t${n}`;
    emu.createRepository(repo);
    const env = cleanEnv(emu.env);
    try {
      const run = await runCli([source, `${repo}:${tag}`, '--json', '--max-attempts', '5', ...extra], { env, timeoutMs: 300_000 });
      expect(run.code, `${repo} from ${source}:\n${run.stderr}`).toBe(0);
      const result = JSON.parse(run.stdout) as { status: string; digest: string };
      expect(result.status).toBe('pushed');
      expect(await expectPulledIdentical(`docker://${emu.registryHost}/${repo}:${tag}`, source)).toBe(result.digest);
      // PutImage came only after every upload of the push was completed.
      const log = emu.calls.filter((c) => c.repository === repo);
      const lastComplete = log.findLastIndex((c) => c.call === 'CompleteLayerUpload' && c.status === 200);
      expect(log.findIndex((c) => c.call === 'PutImage')).toBeGreaterThan(lastComplete);
    } finally {
      rmSync(env.HOME!, { recursive: true, force: true });
    }
  }

  /** Run `jobs` pushes, AT_ONCE at a time, under the faults (and `extra`); prints what was injected and survived. */
  async function soak(what: string, jobs: (() => Promise<void>)[], extra: Fault[] = []): Promise<void> {
    const calls = emu.calls.length;
    const injected = emu.faultStats().injected;
    const started = Date.now();
    for (const f of [...extra, ...FAULTS]) emu.addFault(f);
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length) await jobs[next++]!();
      };
      await Promise.all(Array.from({ length: AT_ONCE }, worker));
    } finally {
      emu.clearFaults();
    }
    const seen = emu.calls.slice(calls);
    const failed = (error: string): number => seen.filter((c) => c.injected && c.error === error).length;
    const kinds = { throttling: failed('ThrottlingException'), http500: failed('http500'), resets: failed('reset') };
    const total = emu.faultStats().injected - injected;
    const latency = total - kinds.throttling - kinds.http500 - kinds.resets;
    console.log(
      `soak: ${jobs.length} ${what} all succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${seen.length} ECR calls, ${total} faults injected and survived (${kinds.throttling} ThrottlingException, ` +
      `${kinds.http500} HTTP 500, ${kinds.resets} connection resets, ${latency} × 200 ms latency)`,
    );
    if (jobs.length > 0) {
      // The faults really happened: a soak that injected nothing would prove nothing.
      expect(kinds.throttling + kinds.http500 + kinds.resets).toBeGreaterThan(0);
    }
  }

  it(
    `${PUSHES} pushes of the one-platform and two-platform fixtures in 2 KiB parts all succeed and pull back identical`,
    async () => {
      emu.setPartSize(SMALL_PARTS);
      await soak(
        `pushes in ${SMALL_PARTS}-byte parts`,
        Array.from({ length: PUSHES }, (_, i) => () => pushAndCompare(SOURCES[i % SOURCES.length]!, [])),
      );
    },
    PUSHES * 15_000 + 60_000,
  );

  it(
    `${BIG_PUSHES} pushes of the 45 MiB image in 5 MiB parts all succeed and pull back identical`,
    async (ctx) => {
      const big = bigImage();
      if (big.skip !== undefined) ctx.skip(big.skip);
      emu.setPartSize(20 * MiB);
      await soak(
        'pushes of the 45 MiB image in 5 MiB parts',
        Array.from({ length: BIG_PUSHES }, () => () => pushAndCompare(big.layout!, ['--part-size', '5MiB'])),
        // Few calls carry the 45 MiB, so chance alone may spare them: reset one 5 MiB part per push for sure.
        BIG_PUSHES > 0 ? [{ call: 'UploadLayerPart', times: BIG_PUSHES, kind: { reset: true } }] : [],
      );
    },
    BIG_PUSHES * 90_000 + 60_000,
  );
});
