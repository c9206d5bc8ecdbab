/**
 * The library's push() in-process against the emulator: an abort stops in-flight requests at
 * once and no PutImage follows; a normal push; absent layers reported either way ECR may.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import type { PushEvent } from '../../src/events.js';
import { push } from '../../src/push.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { emulatorProcessEnv } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

describe('push() in-process against the emulator', () => {
  let emu: Emulator;
  let restoreEnv = (): void => undefined;
  let cacheDir: string;
  beforeAll(async () => {
    emu = await startEmulator({ repositories: [{ name: 'abort/app' }, { name: 'abort/ok' }, { name: 'abort/missing' }] });
    restoreEnv = emulatorProcessEnv(emu);
    cacheDir = scratchDir('ecr-push-cache');
  });
  afterAll(async () => {
    restoreEnv();
    await emu?.stop();
  });

  it('stops in-flight uploads at once, rejects as interrupted and never puts the manifest', async () => {
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 5_000 } });
    const controller = new AbortController();
    const events: PushEvent[] = [];
    const started = Date.now();
    const pushing = push({
      source: fixture('oci-index'), destination: 'abort/app:v1', signal: controller.signal, cacheDir,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'blob-start' && !controller.signal.aborted) setTimeout(() => controller.abort(new InterruptedError('SIGTERM')), 200);
      },
    });
    await expect(pushing).rejects.toMatchObject({ name: 'Terminated' });
    emu.clearFaults();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(emu.calls.filter((c) => c.call === 'PutImage')).toEqual([]);
    expect(emu.tags('abort/app')).toEqual({});
    expect(events.some((e) => e.type === 'manifest')).toBe(false);
  });

  it('pushes normally in-process, with a plan event first and a result naming the image', async () => {
    const events: PushEvent[] = [];
    const result = await push({ source: fixture('oci-layout'), destination: 'abort/ok:v1', cacheDir, onEvent: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ type: 'plan', repository: 'abort/ok', tags: ['v1'] });
    expect(result).toMatchObject({ status: 'pushed', repository: 'abort/ok', tags: ['v1'], registryId: emu.accountId });
    expect(result.imageUri).toBe(`${emu.accountId}.dkr.ecr.${emu.region}.amazonaws.com/abort/ok@${result.digest}`);
    expect(emu.tags('abort/ok')).toEqual({ v1: result.digest });
  });

  it('refuses a registryId that contradicts the account of the destination host before asking ECR anything', async () => {
    const before = emu.calls.length;
    const pushing = push({ source: fixture('oci-layout'), destination: `${emu.accountId}.dkr.ecr.${emu.region}.amazonaws.com/abort/ok:v2`, registryId: '999999999999', cacheDir });
    await expect(pushing).rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining('contradicts the account') });
    expect(emu.calls.length).toBe(before);
  });

  it('treats a MissingLayerDigest failure from BatchCheckLayerAvailability as an absent blob', async () => {
    emu.setAbsentLayers('MissingLayerDigest');
    try {
      const result = await push({ source: fixture('oci-index'), destination: 'abort/missing:v1', cacheDir });
      expect(result.blobs.uploaded).toBe(result.blobs.total);
      expect(emu.tags('abort/missing')).toEqual({ v1: result.digest });
      const again = await push({ source: fixture('oci-index'), destination: 'abort/missing:v1', cacheDir });
      expect(again).toMatchObject({ status: 'unchanged', blobs: { uploaded: 0, skipped: result.blobs.total } });
    } finally {
      emu.setAbsentLayers('UNAVAILABLE');
    }
  });
});
