#!/usr/bin/env node
// Thin shim: everything lives in the bundled CLI (bundle/, built from dist/ by `npm run build`).
// Keep this file free of logic.
import('../bundle/cli.js')
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
