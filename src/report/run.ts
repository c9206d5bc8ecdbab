/**
 * Runs one parsed command: chooses the reporter, wires SIGINT/SIGTERM to an AbortController,
 * prints the result (or the failure) and returns the exit code. The only place that decides it.
 */
import type { Invocation } from '../cli.js';
import type { InspectFailure } from '../inspect.js';
import { classify } from '../ecr/classify.js';
import { type CommandName, type EcrPushError, InterruptedError } from '../errors.js';
import type { PushResult } from '../events.js';
import { parseReference } from '../reference.js';
import { describeFailure, type Failure, failureText, jsonError } from './failure.js';
import { formatBytes } from './format.js';
import { createReporter } from './index.js';
import { resultText, writeResultFiles } from './result.js';
import { ProgressTracker } from './tracker.js';

export interface RunFlags {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** False with `--no-color`. */
  color: boolean;
  digestFile?: string;
}

/** The repository and registry a destination or reference names, for a failure before the library reported its plan. */
function namedBy(ref: string): { repository: string; registryId?: string } {
  try {
    const { repository, registryId } = parseReference(ref);
    return registryId === undefined ? { repository } : { repository, registryId };
  } catch {
    return { repository: '' };
  }
}

/**
 * `controller` is aborted by SIGINT/SIGTERM (the caller listens from its start, see signals.ts);
 * the run stops at once if that already happened.
 */
export async function runInvocation(inv: Invocation, controller = new AbortController()): Promise<number> {
  if (inv.command === 'inspect') return runInspect(inv, controller);
  const { flags } = inv;
  const tracker = new ProgressTracker();
  const reporter = await createReporter(flags, process.stderr, process.env);
  const onEvent = (e: Parameters<typeof tracker.onEvent>[0]): void => {
    tracker.onEvent(e);
    reporter.onEvent(e);
  };
  let result: PushResult;
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    if (inv.command === 'push') {
      const { push } = await import('../push.js');
      result = await push({ ...inv.options, signal: controller.signal, onEvent });
    } else {
      const { retag } = await import('../retag.js');
      result = await retag({ ...inv.options, signal: controller.signal, onEvent });
    }
  } catch (err) {
    reporter.stop();
    const reference = inv.command === 'push' ? inv.options.destination : inv.options.reference;
    const requested = inv.command === 'tag' ? inv.options.tags : undefined;
    return fail(classify(err, controller.signal), flags, tracker, namedBy(reference), inv.command, requested);
  }
  reporter.stop();
  try {
    await writeResultFiles(result, flags.digestFile, process.env);
  } catch (err) {
    const failure = describeFailure(classify(err), { repository: result.repository, command: inv.command });
    process.stderr.write(failureText(failure, err as Error, flags.verbose));
    if (flags.json) process.stdout.write(resultText({ ...result, status: 'error', error: jsonError(failure) }, true));
    return failure.exitCode;
  }
  process.stdout.write(resultText(result, flags.json));
  return 0;
}

/**
 * Report a failed push or `tag`. Once tags were put (or when a `tag` run was interrupted), the
 * failure line says which of the tags asked for were put and which not (`requested`: those of
 * `tag`; a push's come from its plan). An interrupted push says what it had done. The JSON `tags`
 * lists the tags put.
 */
function fail(
  err: EcrPushError, flags: RunFlags, tracker: ProgressTracker, named: { repository: string; registryId?: string },
  command: 'push' | 'tag', requested: string[] = tracker.tags,
): number {
  const registryId = tracker.registryId ?? named.registryId;
  const failure = describeFailure(err, { repository: tracker.repository ?? named.repository, command, ...(registryId ? { registryId } : {}) });
  if (command === 'push' && err instanceof InterruptedError) {
    failure.message = `${err.message}: ${tracker.summary(formatBytes)}`;
  } else if (tracker.tagsPut.length > 0 || err instanceof InterruptedError) {
    failure.message = `${failure.message}; ${tagsSummary(requested, tracker.tagsPut)}${tracker.cutOffNote()}`;
  }
  process.stderr.write(failureText(failure, err, flags.verbose));
  if (flags.json) process.stdout.write(resultText(tracker.failed(jsonError(failure), named), true));
  return failure.exitCode;
}

/** `tags put: a, b; not put: c` (a tag already on the image counts as put), or `no tag was put`. */
function tagsSummary(requested: string[], put: string[]): string {
  const notPut = requested.filter((t) => !put.includes(t));
  if (put.length === 0) return 'no tag was put';
  return `tags put: ${put.join(', ')}${notPut.length > 0 ? `; not put: ${notPut.join(', ')}` : ''}`;
}

async function runInspect(inv: Extract<Invocation, { command: 'inspect' }>, controller: AbortController): Promise<number> {
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    const { inspect, formatInspect } = await import('../inspect.js');
    const report = await inspect({ ...inv.options, signal: controller.signal });
    const text = inv.json ? JSON.stringify(report, null, 2) : formatInspect(report);
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  } catch (err) {
    const failure = describeFailure(classify(err, controller.signal), { command: 'inspect' });
    process.stderr.write(failureText(failure, err as Error, false));
    if (inv.json) {
      process.stdout.write(inspectFailureJson(inv.options.source, failure));
    }
    return failure.exitCode;
  }
}

/**
 * A failure outside a running command: a command line that could not be parsed (exit 2), or a bug
 * (exit 1). One line, the hint of `command`, and with `--json` the JSON object of that command
 * (`source`: what `inspect` was given, when known).
 */
export function reportFailure(err: unknown, json: boolean, command: CommandName = 'push', source = ''): number {
  const classified = classify(err);
  const failure = describeFailure(classified, { command });
  process.stderr.write(failureText(failure, classified, false));
  if (json) {
    process.stdout.write(command === 'inspect'
      ? inspectFailureJson(source, failure)
      : resultText(new ProgressTracker().failed(jsonError(failure), { repository: '' }), true));
  }
  return failure.exitCode;
}

/** `inspect --json` on failure: its own shape, with no images. */
function inspectFailureJson(source: string, failure: Failure): string {
  const failed: InspectFailure = { status: 'error', source, images: [], error: jsonError(failure) };
  return `${JSON.stringify(failed, null, 2)}\n`;
}
