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
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuiltin } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { thirdPartyLicenses } from './third-party-licenses.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bundle');

// CommonJS dependencies (commander) call require() for Node's built-in modules.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Node's built-in modules are loaded with require(), never through an ES module import. Importing
 * a built-in as an ES module makes Node read every export of it to build the module's namespace,
 * which runs the lazy getters Node puts on some of them: on Node 22 and 24 `node:http`'s
 * `WebSocket` getter loads undici, and with it http2, assert, worker_threads and the web streams,
 * about 45 ms of compiling at every start of a push (the SDK's HTTP handler imports `node:http`).
 * require() returns the module object without reading its exports.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z]/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      return args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * commander loads `node:child_process` when it is loaded, for executable subcommands (`git-foo`
 * style), which ecr-push does not have: 3 ms of every start. Its one use, `childProcess.spawn`,
 * now loads the module when called. The build fails if commander's line changes.
 */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const commanderSpawnOnUse: Plugin = {
  name: 'commander-spawn-on-use',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${args.path} no longer has: ${COMMANDER_CHILD_PROCESS}`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

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
  plugins: [builtinsByRequire, commanderSpawnOnUse],
  logLevel: 'warning',
});
writeFileSync(join(OUT, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(metafile, ROOT));
