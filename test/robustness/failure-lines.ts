/** What a clean failure of the CLI looks like on stderr, checked the same way by every robustness test. */
import { expect } from 'vitest';
import { EXIT_CODES, isAwsExceptionName } from '../../src/errors.js';

/** Signs of an unhandled error: a stack frame, Node's uncaught-exception banner, a deprecation warning. */
export const CRASH = /\n\s+at .+[(:]\d+|Uncaught|UnhandledPromiseRejection|node:internal|DeprecationWarning|\(node:\d+\)/;

export const KNOWN_EXIT_CODES: ReadonlySet<number> = new Set(EXIT_CODES.map((r) => r.code));

/** The ` (Name)` a failure line ends with, when it names an AWS exception there. */
export function trailingName(line: string): string | undefined {
  const name = / \((\w+)\)$/.exec(line)?.[1];
  return name !== undefined && isAwsExceptionName(name) ? name : undefined;
}

/**
 * stderr ends with exactly one `ecr-push: …` line, followed by at most one `hint:` line; the line
 * ends with ` (Name)` when `name` is an AWS exception, and never with one of ecr-push's own error
 * names. Returns the failure line. Progress lines may come before it (a push that failed mid-upload).
 */
export function expectOneFailureLine(stderr: string, name: string): string {
  const lines = stderr.trimEnd().split('\n');
  const failures = lines.filter((l) => l.startsWith('ecr-push: '));
  expect(failures, stderr).toHaveLength(1);
  const at = lines.indexOf(failures[0]!);
  const after = lines.slice(at + 1);
  expect(after.length, stderr).toBeLessThanOrEqual(1);
  if (after.length === 1) expect(after[0], stderr).toMatch(/^hint: /);
  expect(trailingName(failures[0]!), stderr).toBe(isAwsExceptionName(name) ? name : undefined);
  expect(stderr).not.toMatch(CRASH);
  return failures[0]!;
}
