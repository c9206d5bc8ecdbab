/** What every reporter offers the CLI. */
import type { PushEvent } from '../events.js';

export interface Reporter {
  onEvent(event: PushEvent): void;
  /** Stop any animation and leave the cursor on a fresh line; called before the result and any failure are printed. */
  stop(): void;
}

export interface ReporterOptions {
  /** Where progress and logs go (stderr). */
  out: NodeJS.WritableStream;
  /** Log `request` and `retry` events. */
  verbose: boolean;
  /** Milliseconds since some fixed point; injectable for tests. */
  now?: () => number;
}

/** Prints nothing: `-q`. */
export const quietReporter: Reporter = { onEvent: () => {}, stop: () => {} };
