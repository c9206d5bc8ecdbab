/** The result of a run: stdout (a reference, or exactly one JSON object), `--digest-file`, GitHub Actions outputs. */
import { appendFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { PushResult } from '../events.js';

/** What goes to stdout: the JSON object with `--json`, else the pushed reference (nothing on failure or in a dry run). */
export function resultText(result: PushResult, json: boolean): string {
  if (json) return `${JSON.stringify(result)}\n`;
  const ref = result.imageUri ?? (result.digest === undefined ? undefined : `${result.repository}@${result.digest}`);
  return result.status === 'error' || result.status === 'dry-run' || ref === undefined ? '' : `${ref}\n`;
}

/** Lines appended to `$GITHUB_OUTPUT` (empty when there is no digest). */
export function githubOutputText(result: PushResult): string {
  if (result.digest === undefined) return '';
  return `digest=${result.digest}\n${result.imageUri === undefined ? '' : `image-uri=${result.imageUri}\n`}`;
}

/**
 * Write the digest file and GitHub outputs for a successful run (not for `dry-run`: nothing was
 * pushed). A path that cannot be written is a UsageError naming it.
 */
export async function writeResultFiles(result: PushResult, digestFile: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  if (result.digest === undefined || result.status === 'error' || result.status === 'dry-run') return;
  if (digestFile !== undefined) await writing('--digest-file', digestFile, () => writeFile(digestFile, `${result.digest}\n`));
  const output = env.GITHUB_OUTPUT;
  if (output) await writing('GITHUB_OUTPUT', output, () => appendFile(output, githubOutputText(result)));
}

async function writing(what: string, path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`the image is in ECR, but ${what} ${path} cannot be written (${code})`, {
      cause: err,
      hint: 'fix the path and run again: nothing is uploaded twice',
    });
  }
}
