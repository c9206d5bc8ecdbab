import { clearLine, cursorTo, moveCursor } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ttyReporter } from '../../src/report/tty.js';
import { captureStream, type Captured } from './capture.js';
import type { PushEvent } from '../../src/events.js';
import { MiB, pushEvents, SKIPPED } from './events.js';

/** A captured stream that says it is an 80-column terminal, with the cursor methods of tty.WriteStream. */
function terminal(): Captured {
  const out = captureStream();
  return Object.assign(out, {
    isTTY: true,
    columns: 80,
    rows: 24,
    cursorTo: (x: number, y?: number) => cursorTo(out, x, y),
    moveCursor: (dx: number, dy: number) => moveCursor(out, dx, dy),
    clearLine: (dir: -1 | 0 | 1) => clearLine(out, dir),
  });
}

function render(color: 0 | 1, verbose = false, events: PushEvent[] = pushEvents): string {
  const out = terminal();
  let t = 0;
  const reporter = ttyReporter({ out, verbose, color, now: () => (t += 500) });
  events.forEach((e) => reporter.onEvent(e));
  reporter.stop();
  return out.text();
}

describe('terminal reporter', () => {
  it('draws a summary line with blobs done, bytes sent of the total and the rate, and a line per blob in flight', () => {
    const text = render(0);
    expect(text).toMatch(/team\/app: 1\/2 blobs, 0 B of 31\.0 MiB sent\n {2}↑ sha256:bbbbbbbbbbbb 0 B\/30\.0 MiB 0%/);
    expect(text).toMatch(/team\/app: 1\/2 blobs, 10\.0 MiB of 31\.0 MiB sent, [\d.]+ MiB\/s\n {2}↑ sha256:bbbbbbbbbbbb 10\.0 MiB\/30\.0 MiB 33% [\d.]+ MiB\/s/);
    expect(text).toMatch(/team\/app: 2\/2 blobs, 30\.0 MiB of 31\.0 MiB sent, [\d.]+ MiB\/s/);
  });

  it('shows a layer being compressed ahead in the spinner until it is skipped', () => {
    const [plan, , ...rest] = pushEvents;
    const text = render(0, false, [plan!, { type: 'blob-compressing', digest: SKIPPED, size: 4 * MiB }, { type: 'blob-skipped', digest: SKIPPED, size: MiB }, ...rest]);
    expect(text).toMatch(/team\/app: 0\/2 blobs, 0 B of 31\.0 MiB sent\n {2}≈ sha256:aaaaaaaaaaaa compressing first, to see whether ECR has it \(4\.0 MiB\)/);
    expect(text).toMatch(/team\/app: 1\/2 blobs, 0 B of 31\.0 MiB sent\n {2}↑ sha256:bbbbbbbbbbbb/);
    expect(text.slice(text.indexOf('skipped sha256:aaaaaaaaaaaa'))).not.toContain('≈');
  });

  it('keeps skipped, uploaded and manifest lines above the spinner, coloured', () => {
    const text = render(1);
    expect(text).toMatch(/\u001b\[33m=\u001b\[39m skipped sha256:aaaaaaaaaaaa 1\.0 MiB \(already in the repository\)/);
    expect(text).toMatch(/\u001b\[32m✔\u001b\[39m uploaded sha256:bbbbbbbbbbbb 30\.0 MiB in [\d.]+s/);
    expect(text).toMatch(/\u001b\[32m✔\u001b\[39m manifest sha256:cccccccccccc tag latest unchanged/);
  });

  it('uses no colour at level 0, and shows requests and retries only when verbose', () => {
    const plain = render(0);
    expect(plain).not.toMatch(/\u001b\[\d+m/);
    expect(plain).not.toContain('request UploadLayerPart');
    const verbose = render(0, true);
    expect(verbose).toContain('request UploadLayerPart attempt 1 status 200 id req-1 120ms');
    expect(verbose).toMatch(/retry part 2 of sha256:b+ \(attempt 2, in 200ms\): InvalidLayerPartException/);
  });
});
