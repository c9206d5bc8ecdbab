import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../src/events.js';
import { plainReporter } from '../../src/report/plain.js';
import { captureStream } from './capture.js';
import { MiB, pushEvents, UPLOADED } from './events.js';

/** Feed events with a clock that advances `stepMs` per event; return the printed lines. */
function run(events: PushEvent[], opts: { verbose?: boolean; stepMs?: number; everyMs?: number } = {}): string[] {
  const out = captureStream();
  let t = 0;
  const reporter = plainReporter({ out, verbose: opts.verbose ?? false, now: () => t, progressEveryMs: opts.everyMs ?? 5000 });
  for (const e of events) {
    t += opts.stepMs ?? 1000;
    reporter.onEvent(e);
  }
  reporter.stop();
  return out.text().split('\n').slice(0, -1);
}

describe('plain reporter (CI logs and pipes)', () => {
  it('prints one line per event: plan, skipped blob, upload start and end, each manifest tag', () => {
    const lines = run(pushEvents);
    expect(lines[0]).toMatch(/^pushing 2 blobs \(31\.0 MiB\) and 1 manifest to team\/app:v1, :latest$/);
    expect(lines[1]).toMatch(/^skipped sha256:aaaaaaaaaaaa 1\.0 MiB \(already in the repository\)$/);
    expect(lines[2]).toBe('uploading sha256:bbbbbbbbbbbb 30.0 MiB');
    expect(lines.some((l) => /^uploaded sha256:bbbbbbbbbbbb 30\.0 MiB in \d+\.\ds \(.* MiB\/s\)$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('manifest sha256:cccccccccccc'))).toEqual([
      'manifest sha256:cccccccccccc tag v1 put',
      'manifest sha256:cccccccccccc tag latest unchanged',
    ]);
  });

  it('says when a layer is compressed first, before it is skipped or uploaded', () => {
    const lines = run([{ type: 'blob-compressing', digest: UPLOADED, size: 256 * MiB }]);
    expect(lines).toEqual(['compressing sha256:bbbbbbbbbbbb 256.0 MiB first, to see whether ECR has it']);
  });

  it('says at the start of a dry run that nothing will be uploaded or put', () => {
    const [plan] = pushEvents;
    const lines = run([{ ...(plan as Extract<PushEvent, { type: 'plan' }>), dryRun: true }]);
    expect(lines[0]).toBe('dry run, nothing is uploaded or put: checking 2 blobs (31.0 MiB) and 1 manifest to team/app:v1, :latest');
  });

  it('hides request and retry events unless verbose, and shows them with call, attempt, status and request id', () => {
    expect(run(pushEvents).some((l) => /request|retry/.test(l))).toBe(false);
    const verbose = run(pushEvents, { verbose: true });
    expect(verbose).toContain('request UploadLayerPart attempt 1 status 200 id req-1 120ms');
    expect(verbose.some((l) => l.startsWith('retry part 2 of sha256:') && l.includes('InvalidLayerPartException'))).toBe(true);
  });

  it('prints a progress line for a long upload at most once per interval', () => {
    const progress: PushEvent[] = [{ type: 'blob-start', digest: UPLOADED, size: 100 * MiB }];
    // Progress events need not repeat the size given at the start.
    for (let i = 1; i <= 20; i += 1) progress.push({ type: 'blob-progress', digest: UPLOADED, done: i * 5 * MiB });
    // One event per second for 20 s with a 5 s interval: at most 4 progress lines.
    const lines = run(progress, { stepMs: 1000, everyMs: 5000 }).filter((l) => l.startsWith('  '));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toMatch(/^ {2}sha256:bbbbbbbbbbbb \d+\.\d MiB\/100\.0 MiB \d+% \d+\.\d MiB\/s$/);
  });

  it('never writes control characters, even when event text carries escape sequences or newlines', () => {
    const hostile: PushEvent[] = [
      ...pushEvents,
      { type: 'info', message: 'tag \u001b[31mred\u001b[0m\r\nsecond line\u0007' },
      { type: 'request', call: 'PutImage\n', attempt: 1, ms: 3, error: 'bad\u001b[2Kthing' },
    ];
    const text = run(hostile, { verbose: true }).join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('tag red second line');
    expect(text).toContain('request PutImage attempt 1 3ms error badthing');
  });
});
