/**
 * SIGINT/SIGTERM → an AbortController, from the first moment the CLI runs: a CI cancellation that
 * lands while the command line is still being read is reported like any other (exit 130/143 and,
 * with --json, the JSON object), instead of ending the process silently.
 */
import { InterruptedError } from '../errors.js';

type Signal = 'SIGINT' | 'SIGTERM';

/** Abort `controller` on the first SIGINT/SIGTERM; a second one ends the process at once. Returns the cleanup. */
export function abortOnSignals(controller: AbortController): () => void {
  const handler = (signal: Signal): void => {
    if (controller.signal.aborted) {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    controller.abort(new InterruptedError(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
