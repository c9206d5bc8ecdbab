/** A classified error → the two lines the user sees (what failed, what to do) and the `error` field of the JSON. */
import { type EcrPushError, exitCodeForName, hintForName, type HintContext, InputError, isAwsExceptionName } from '../errors.js';
import type { PushResult } from '../events.js';
import { oneLine } from './format.js';

export interface Failure {
  /** The error's name (an AWS exception or one of ecr-push's own): the JSON `error.name`. */
  name: string;
  exitCode: number;
  message: string;
  /** The AWS exception behind the failure, shown on the failure line: none for ecr-push's own failures, or when the message names it. */
  awsException?: string;
  hint?: string;
}

/** What the failure is about: the command that failed (default push), its repository and named registry, for hints naming them. */
export type FailureContext = Omit<HintContext, 'problem'>;

/**
 * The AWS exception to name on the failure line: the error's own name unless it is one of ours
 * (shown unless the message already ends with it in brackets); for one of ours, the first SDK
 * service exception among its causes (AccessDeniedException behind a CredentialsError), unless
 * the message, which ecr-push wrote, already names it.
 */
function awsExceptionOf(err: EcrPushError, message: string): string | undefined {
  if (isAwsExceptionName(err.name)) return message.endsWith(`(${err.name})`) ? undefined : err.name;
  for (let e: unknown = err.cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    // `$fault` marks an exception ECR or AWS answered with; the SDK's own errors (a TimeoutError
    // around a reset socket) carry `$metadata` only and are not named.
    if ('$fault' in e && isAwsExceptionName(e.name)) {
      return new RegExp(`\\b${e.name}\\b`).test(message) ? undefined : e.name;
    }
  }
  return undefined;
}

export function describeFailure(err: EcrPushError, context: FailureContext = {}): Failure {
  const hint = err.hint ?? hintForName(err.name, { ...context, ...(err instanceof InputError && err.problem ? { problem: err.problem } : {}) });
  const message = oneLine(err.message);
  const awsException = awsExceptionOf(err, message);
  return {
    name: err.name,
    exitCode: exitCodeForName(err.name),
    message,
    ...(awsException === undefined ? {} : { awsException }),
    ...(hint === undefined ? {} : { hint: oneLine(hint) }),
  };
}

/**
 * `ecr-push: <what failed> (<AWS exception>)` and `hint: …`; no name in brackets when the failure
 * is not an AWS exception. With `verbose`, the stack (and its causes) follow.
 */
export function failureText(f: Failure, err: Error, verbose: boolean): string {
  let text = `ecr-push: ${f.message}${f.awsException === undefined ? '' : ` (${f.awsException})`}\n`;
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
