/**
 * At a terminal: an ora spinner whose text is a summary line plus one progress line per blob
 * being uploaded (done/total bytes, rate); finished, skipped and manifest lines scroll above it.
 */
import { Chalk } from 'chalk';
import ora from 'ora';
import type { PushEvent } from '../events.js';
import type { ColorLevel } from './color.js';
import { formatBytes, formatRate, oneLine, shortDigest } from './format.js';
import { doneLine, manifestLine, planLine, progressText, requestLine, retryLine, skippedLine } from './lines.js';
import type { Reporter, ReporterOptions } from './reporter.js';

interface Active {
  start: number;
  done: number;
  size?: number;
  /** Compressed ahead, not being sent (yet). */
  compressing?: boolean;
}

export function ttyReporter(opts: ReporterOptions & { color: ColorLevel }): Reporter {
  const now = opts.now ?? Date.now;
  const c = new Chalk({ level: opts.color });
  const spinner = ora({ stream: opts.out, discardStdin: false, color: opts.color === 0 ? false : 'cyan', isEnabled: true, hideCursor: true });
  const active = new Map<string, Active>();
  const totals = { blobs: 0, finished: 0, bytes: 0, sent: 0 };
  let repository = '';
  let firstStart: number | undefined;

  const spinnerText = (): string => {
    const rate = firstStart === undefined ? '' : formatRate(totals.sent, now() - firstStart);
    const head = `${repository ? `${repository}: ` : ''}${totals.finished}/${totals.blobs} blobs, ` +
      `${formatBytes(totals.sent)} of ${formatBytes(totals.bytes)} sent${totals.sent > 0 && rate ? `, ${rate}` : ''}`;
    const lines = [...active].map(([digest, a]) => (a.compressing
      ? `  ${c.cyan('≈')} ${shortDigest(digest)} compressing first, to see whether ECR has it (${formatBytes(a.size ?? 0)})`
      : `  ${c.cyan('↑')} ${shortDigest(digest)} ${progressText(a.done, a.size, now() - a.start)}`));
    return [head, ...lines].join('\n');
  };

  /** Update the counters; returns the line to keep above the spinner, if the event has one. */
  const update = (e: PushEvent): string | undefined => {
    switch (e.type) {
      case 'plan':
        repository = oneLine(e.repository);
        totals.blobs = e.blobs;
        totals.bytes = e.totalBytes;
        return planLine(e);
      case 'blob-compressing':
        active.set(e.digest, { start: now(), done: 0, size: e.size, compressing: true });
        return undefined;
      case 'blob-skipped':
        active.delete(e.digest);
        totals.finished += 1;
        return c.dim(`${c.yellow('=')} ${skippedLine(e)}`);
      case 'blob-start':
        firstStart ??= now();
        active.set(e.digest, { start: now(), done: 0, ...(e.size === undefined ? {} : { size: e.size }) });
        return undefined;
      case 'blob-progress': {
        const a = active.get(e.digest);
        if (a) {
          totals.sent += e.done - a.done;
          a.done = e.done;
          if (e.size !== undefined) a.size = e.size;
        }
        return undefined;
      }
      case 'blob-done': {
        const a = active.get(e.digest);
        active.delete(e.digest);
        totals.finished += 1;
        if (!e.alreadyExisted) totals.sent += e.size - (a?.done ?? 0);
        const mark = e.alreadyExisted ? c.yellow('=') : c.green('✔');
        return `${mark} ${doneLine(e, a === undefined ? undefined : now() - a.start)}`;
      }
      case 'manifest':
        return `${c.green('✔')} ${manifestLine(e)}`;
      case 'request':
        return opts.verbose ? c.dim(requestLine(e)) : undefined;
      case 'retry':
        return opts.verbose ? c.yellow(retryLine(e)) : undefined;
      case 'info':
        return oneLine(e.message);
    }
  };

  const onEvent = (e: PushEvent): void => {
    const line = update(e);
    spinner.text = spinnerText();
    if (!spinner.isSpinning) spinner.start();
    // ora clears the spinner around an outside write and draws it again below the new line.
    if (line === undefined) spinner.render();
    else opts.out.write(`${line}\n`);
  };

  return {
    onEvent,
    stop: () => {
      if (spinner.isSpinning) spinner.stop();
    },
  };
}
