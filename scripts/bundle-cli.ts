/**
 * Bundle the compiled CLI (dist/cli.js) with its runtime dependencies into bundle/, the files
 * `bin/ecr-push.js` loads. Node then reads and compiles a few dozen files instead of the AWS
 * SDK's CommonJS modules, which was most of the start-up of a short push.
 *
 * Each dynamic import (the SDK, each credential provider of the default chain, the progress
 * reporter) becomes its own chunk, so `--version` or a push with environment credentials loads
 * only what it runs. Whitespace and syntax are minified, names are kept (stack traces with -v stay
 * readable). bundle/ sits one level under the package root like dist/, so `../package.json` (the
 * version) resolves the same from either. The library (dist/index.js) is not bundled.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { thirdPartyLicenses } from './third-party-licenses.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bundle');

// CommonJS dependencies (commander) call require() for Node's built-in modules.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

rmSync(OUT, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'dist/cli.js' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The SDK's ES module builds (dist-es), which split and tree-shake, rather than its CommonJS ones.
  mainFields: ['module', 'main'],
  chunkNames: 'chunk-[hash]',
  banner: { js: REQUIRE_SHIM },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(join(OUT, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(metafile, ROOT));
