/**
 * For CI logs and pipes: one line per event, no control characters, and for long uploads a
 * progress line per blob at most every `progressEveryMs`.
 */
import type { PushEvent } from '../events.js';
import { oneLine, shortDigest } from './format.js';
import { compressingLine, doneLine, manifestLine, planLine, progressText, requestLine, retryLine, skippedLine, startLine } from './lines.js';
import type { Reporter, ReporterOptions } from './reporter.js';

export interface PlainReporterOptions extends ReporterOptions {
  /** Minimum gap between two progress lines of one blob (default 5 s). */
  progressEveryMs?: number;
}

export function plainReporter(opts: PlainReporterOptions): Reporter {
  const now = opts.now ?? Date.now;
  const every = opts.progressEveryMs ?? 5000;
  const started = new Map<string, { at: number; size?: number }>();
  const lastLine = new Map<string, number>();
  const write = (line: string): void => {
    opts.out.write(`${line}\n`);
  };

  const onEvent = (e: PushEvent): void => {
    switch (e.type) {
      case 'plan':
        return write(planLine(e));
      case 'blob-skipped':
        return write(skippedLine(e));
      case 'blob-compressing':
        return write(compressingLine(e));
      case 'blob-start':
        started.set(e.digest, { at: now(), ...(e.size === undefined ? {} : { size: e.size }) });
        lastLine.set(e.digest, now());
        return write(startLine(e));
      case 'blob-progress': {
        const t = now();
        if (t - (lastLine.get(e.digest) ?? 0) < every) return;
        lastLine.set(e.digest, t);
        const start = started.get(e.digest);
        return write(`  ${shortDigest(e.digest)} ${progressText(e.done, e.size ?? start?.size, t - (start?.at ?? t))}`);
      }
      case 'blob-done': {
        const start = started.get(e.digest);
        started.delete(e.digest);
        lastLine.delete(e.digest);
        return write(doneLine(e, start === undefined ? undefined : now() - start.at));
      }
      case 'manifest':
        return write(manifestLine(e));
      case 'request':
        return opts.verbose ? write(requestLine(e)) : undefined;
      case 'retry':
        return opts.verbose ? write(retryLine(e)) : undefined;
      case 'info':
        return write(oneLine(e.message));
    }
  };
  return { onEvent, stop: () => {} };
}
