/**
 * Run the real CLI (`node bin/ecr-push.js`, built by `npm run build`) as a child process, with an
 * environment that reads no real AWS configuration, credentials or cache (a fresh HOME).
 * One implementation serves every end-to-end test: the CLI tests' runner.
 */
export { cleanEnv as isolatedEnv, notBuilt as cliMissing, removeHomes, runCli, type CliRun } from '../cli/run-cli.js';
