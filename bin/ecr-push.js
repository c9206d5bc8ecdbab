#!/usr/bin/env node
// Thin shim: everything lives in the compiled library. Keep this file free of logic.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
