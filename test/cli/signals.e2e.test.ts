/**
 * Ctrl-C and SIGTERM during an upload (the emulator holds every UploadLayerPart for 30 s): the
 * requests in flight are aborted, no PutImage follows, the temporary file of the compressed
 * archive is removed, the output says how far the push got, and the exit code is 130 or 143.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli, sharedImages, removeHomes } from './run-cli.js';

const images = sharedImages();
const skip = notBuilt() ?? (images ? undefined : '../shared/images is absent');

describe.skipIf(skip)(`signals during an upload${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator();
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 30_000 } });
  });
  afterAll(async () => {
    await emu?.stop();
    removeHomes();
  });

  it.each([
    ['SIGINT', 130, 'Interrupted'],
    ['SIGTERM', 143, 'Terminated'],
  ] as const)('%s aborts the upload, puts no manifest, removes temporary files and exits %i', async (signal, code, name) => {
    const repo = `sig/${signal.toLowerCase()}`;
    emu.createRepository(repo);
    const env = cleanEnv({ ...emu.env, CI: 'true' });
    // A gzip-compressed docker save is unpacked into a private temporary file under TMPDIR.
    const source = join(images!, 'tool-made', 'docker-archive.tar.gz');
    let sentAt = 0;
    let tempFilesDuringUpload: string[] = [];
    const run = await runCli([source, `${repo}:v1`, '--json'], {
      env,
      timeoutMs: 25_000,
      onStderr: (stderr, child) => {
        if (sentAt === 0 && stderr.includes('uploading ')) {
          sentAt = Date.now();
          tempFilesDuringUpload = readdirSync(env.TMPDIR!);
          // Give the first UploadLayerPart time to reach the emulator.
          setTimeout(() => child.kill(signal), 300);
        }
      },
    });
    expect(sentAt, run.stderr).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(code);
    // Aborted in flight, not after the 30 s the emulator would hold the part.
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(run.stderr).toMatch(new RegExp(`ecr-push: interrupted by ${signal}: 0 of \\d+ blobs uploaded \\(0 B\\), no image was put\\n`));
    expect(run.stderr).toMatch(/hint: run the same command again/);
    const obj = JSON.parse(run.stdout) as { status: string; error: { name: string; exitCode: number } };
    expect(obj).toMatchObject({ status: 'error', repository: repo, error: { name, exitCode: code } });
    expect(emu.calls.filter((c) => c.repository === repo && c.call === 'InitiateLayerUpload').length).toBeGreaterThan(0);
    expect(emu.calls.filter((c) => c.repository === repo && c.call === 'PutImage')).toEqual([]);
    expect(tempFilesDuringUpload.length).toBeGreaterThan(0);
    expect(readdirSync(env.TMPDIR!)).toEqual([]);
  });
});
