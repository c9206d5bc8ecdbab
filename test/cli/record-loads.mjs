/**
 * `NODE_OPTIONS=--import=<this file>` with ECR_PUSH_TEST_LOADS=<file>: appends to that file, one
 * per line, the URL of every ES module the process loads and, when it exits, `node:<name>` for
 * every built-in module loaded in the main thread however it was loaded (import or require;
 * `node:internal/…` for Node's own internals). The hooks run on Node's loader thread, where this
 * same file is loaded again and only exports the hook.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  register(import.meta.url);
  process.on('exit', () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `node:${m.slice('NativeModule '.length)}`);
    appendFileSync(process.env.ECR_PUSH_TEST_LOADS, `${builtins.join('\n')}\n`);
  });
}

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.ECR_PUSH_TEST_LOADS, `${url}\n`);
  return nextLoad(url, context);
}
