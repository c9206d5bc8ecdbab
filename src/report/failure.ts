/** A classified error → the two lines the user sees (what failed, what to do) and the `error` field of the JSON. */
import { type EcrPushError, exitCodeForName, hintForName } from '../errors.js';
import type { PushResult } from '../events.js';
import { oneLine } from './format.js';

export interface Failure {
  name: string;
  exitCode: number;
  message: string;
  hint?: string;
}

export function describeFailure(err: EcrPushError, repository?: string): Failure {
  const hint = err.hint ?? hintForName(err.name, repository);
  return {
    name: err.name,
    exitCode: exitCodeForName(err.name),
    message: oneLine(err.message),
    ...(hint === undefined ? {} : { hint: oneLine(hint) }),
  };
}

/** `ecr-push: <what failed> (<Name>)` and `hint: …`; with `verbose`, the stack (and its causes) follow. */
export function failureText(f: Failure, err: Error, verbose: boolean): string {
  let text = `ecr-push: ${f.message} (${f.name})\n`;
  if (f.hint !== undefined) text += `hint: ${f.hint}\n`;
  if (verbose) {
    for (let e: unknown = err, first = true; e instanceof Error; e = e.cause, first = false) {
      text += `${first ? '' : 'caused by: '}${e.stack ?? `${e.name}: ${e.message}`}\n`;
    }
  }
  return text;
}

export function jsonError(f: Failure): NonNullable<PushResult['error']> {
  return { name: f.name, exitCode: f.exitCode, message: f.message };
}
