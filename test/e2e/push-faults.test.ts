/**
 * Part-level robustness through the real CLI: the emulator injects resets, InvalidLayerPart,
 * UploadNotFound and throttling; the push must finish with the image intact, or fail without a
 * PutImage. Verbose output never shows the secret key or the session token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord, Fault } from '../emulator/index.js';
import { cliMissing, runCli, type CliRun } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { pullSummary, skopeoMissing } from '../helpers/skopeo.js';

const skip = cliMissing() ?? skopeoMissing();
const SOURCE = fixture('oci-index');

describe.skipIf(skip)(`pushing through injected faults${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator();
  afterEach(() => ctx.emu.clearFaults());

  /**
   * Push SOURCE to a fresh repository with the given faults; returns the run and the calls it made
   * (that repository's, plus dropped connections, which the emulator logs before reading a body).
   */
  async function pushWith(repo: string, faults: Fault[], ...args: string[]): Promise<{ run: CliRun; calls: CallRecord[] }> {
    faults.forEach((f) => ctx.emu.addFault(f));
    const before = ctx.emu.calls.length;
    const run = await runCli([SOURCE, `${repo}:v1`, '--create-repository', '-v', ...args], { env: ctx.env });
    const calls = ctx.emu.calls.slice(before).filter((c) => c.repository === repo || c.error === 'reset');
    expect(run.stdout + run.stderr).not.toContain(ctx.emu.credentials.secretAccessKey);
    expect(run.stdout + run.stderr).not.toContain(ctx.emu.credentials.sessionToken);
    return { run, calls };
  }

  async function expectIntact(repo: string): Promise<void> {
    const [pulled, expected] = await Promise.all([
      pullSummary(`docker://${ctx.emu.registryHost}/${repo}:v1`),
      pullSummary(`oci:${SOURCE}`),
    ]);
    expect(pulled).toEqual(expected);
  }

  const count = (calls: CallRecord[], call: string): number => calls.filter((c) => c.call === call).length;

  it('re-sends a part after a connection reset, even with SDK retries off, and says so with -v', async () => {
    const { run, calls } = await pushWith('faults/reset', [{ call: 'UploadLayerPart', times: 2, kind: { reset: true } }], '--max-attempts', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(calls.filter((c) => c.call === 'UploadLayerPart' && c.error === 'reset')).toHaveLength(2);
    expect(run.stderr).toMatch(/retr/i);
    await expectIntact('faults/reset');
  });

  it('gives up a part whose answer does not come within --request-timeout and sends it again, so a stalled request cannot hang the push', async () => {
    const started = Date.now();
    const { run, calls } = await pushWith('faults/stall', [{ call: 'UploadLayerPart', times: 1, kind: { latencyMs: 20_000 } }], '--request-timeout', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.stderr).toMatch(/UploadLayerPart.*TimeoutError/);
    expect(count(calls, 'UploadLayerPart')).toBeGreaterThan(1);
    await expectIntact('faults/stall');
  });

  it('resumes after InvalidLayerPartException from the byte after lastValidByteReceived', async () => {
    const { run, calls } = await pushWith('faults/invalid-part', [
      { call: 'UploadLayerPart', times: 1, kind: { exception: 'InvalidLayerPartException', fields: { lastValidByteReceived: -1 } } },
    ]);
    expect(run.code, run.stderr).toBe(0);
    const failed = calls.find((c) => c.error === 'InvalidLayerPartException');
    expect(calls.filter((c) => c.call === 'UploadLayerPart' && !c.error && c.partFirstByte === 0 && c.bytes === failed?.bytes).length).toBeGreaterThan(0);
    await expectIntact('faults/invalid-part');
  });

  it('starts a new upload of the blob after UploadNotFoundException', async () => {
    const { run, calls } = await pushWith('faults/not-found', [
      { call: 'UploadLayerPart', times: 1, kind: { exception: 'UploadNotFoundException' } },
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(count(calls, 'InitiateLayerUpload')).toBe(count(calls.filter((c) => !c.error), 'CompleteLayerUpload') + 1);
    await expectIntact('faults/not-found');
  });

  it('rides out throttling and HTTP 500 on every kind of call', async () => {
    const { run } = await pushWith('faults/throttle', [
      { call: 'BatchCheckLayerAvailability', times: 1, kind: { exception: 'ThrottlingException' } },
      { call: 'InitiateLayerUpload', times: 1, kind: { http500: true } },
      { call: 'CompleteLayerUpload', times: 1, kind: { exception: 'ServerException' } },
      { call: 'PutImage', times: 2, kind: { exception: 'ThrottlingException' } },
    ]);
    expect(run.code, run.stderr).toBe(0);
    await expectIntact('faults/throttle');
  });

  it('never calls PutImage when a blob cannot be uploaded, and leaves no tag', async () => {
    const { run, calls } = await pushWith('faults/broken', [
      { call: 'CompleteLayerUpload', kind: { exception: 'InvalidLayerException', message: 'bad layer' } },
    ]);
    expect(run.code).toBe(20);
    expect(run.stderr).toMatch(/InvalidLayerException|bad layer/);
    expect(count(calls, 'PutImage')).toBe(0);
    expect(ctx.emu.tags('faults/broken')).toEqual({});
  });

  it('gives up on a part after bounded retries and exits with the network code', async () => {
    const { run, calls } = await pushWith('faults/dead', [{ call: 'UploadLayerPart', kind: { reset: true } }], '--max-attempts', '1', '--concurrency', '1');
    expect(run.code).toBe(5);
    expect(count(calls, 'PutImage')).toBe(0);
    expect(count(calls, 'UploadLayerPart')).toBeLessThanOrEqual(10);
  });
});
