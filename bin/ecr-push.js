#!/usr/bin/env node
// Thin shim: everything lives in the bundled CLI (bundle/, built from dist/ by `npm run build`).
// Keep this file free of logic. On Node >= 22.1 compiled code is cached in Node's own directory
// under the system temp dir (or NODE_COMPILE_CACHE), never in the package; older Nodes skip it.
import module from 'node:module';

module.enableCompileCache?.();
import('../bundle/cli.js')
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
