/**
 * `NODE_OPTIONS=--import=<this file>` with ECR_PUSH_TEST_LOADS=<file>: appends the URL of every
 * ES module the process loads to that file, one per line. The hooks run on Node's loader thread,
 * where this same file is loaded again and only exports the hook.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.ECR_PUSH_TEST_LOADS, `${url}\n`);
  return nextLoad(url, context);
}
