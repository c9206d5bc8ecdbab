/** A classified error → the two lines the user sees (what failed, what to do) and the `error` field of the JSON. */
import { type CommandName, type EcrPushError, exitCodeForName, hintForName } from '../errors.js';
import type { PushResult } from '../events.js';
import { oneLine } from './format.js';

export interface Failure {
  name: string;
  exitCode: number;
  message: string;
  hint?: string;
}

/** What the failure is about: the repository (for hints naming it) and the command that failed (default push). */
export interface FailureContext {
  repository?: string;
  command?: CommandName;
}

export function describeFailure(err: EcrPushError, context: FailureContext = {}): Failure {
  const hint = err.hint ?? hintForName(err.name, context.repository, context.command, err.message);
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
