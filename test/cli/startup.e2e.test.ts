/**
 * What the bundled CLI (bin/ecr-push.js → bundle/) loads: `--version` and `--help` none of the AWS
 * SDK and not Node's crypto, a request with environment credentials the SDK but none of the other
 * credential providers' clients (SSO, STS), and the bundle no ECR command ecr-push never sends.
 * Node's built-in modules are loaded with require(), so none of them is read whole: a request
 * loads neither Node's diagnostic report (a getter of `process`) nor, on Node 22 and later, undici
 * (`node:http`'s `WebSocket` getter), each of which costs every push start-up time. Nor is what
 * a run does not use loaded: `node:child_process` (commander's, for executable subcommands) never,
 * `node:v8` (the young-generation setting) only by a push.
 * Each run records the modules it loaded; the bundle files' text is searched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.js';
import { scratchDir } from '../helpers/scratch.js';
import { loadRecording } from './load-recording.js';
import { cleanEnv, closedPort, notBuilt, removeHomes, repoRoot, runCli, type CliRun } from './run-cli.js';

const skip = notBuilt();
const BUNDLE = join(repoRoot, 'bundle');

/** Run the CLI; resolves with the run and the text of every bundle file it loaded. */
async function runRecording(args: string[], env: Record<string, string> = {}): Promise<{ run: CliRun; files: string[]; builtins: string[]; code: string }> {
  const recording = loadRecording(scratchDir('ecr-push-loads'));
  const run = await runCli(args, { env: cleanEnv({ ...env, ...recording.env }) });
  const loaded = recording.loaded();
  const files = loaded.filter((u) => u.startsWith(`${pathToFileURL(BUNDLE).href}/`));
  const builtins = loaded.filter((u) => u.startsWith('node:'));
  return { run, files, builtins, code: files.map((u) => readFileSync(fileURLToPath(u), 'utf8')).join('\n') };
}

describe.skipIf(skip)(`start-up of the bundled CLI${skip ? ` (skipped: ${skip})` : ''}`, () => {
  afterAll(removeHomes);

  it('--version and --help load the bundled CLI but none of the AWS SDK, nor node:crypto, node:v8 or node:child_process', async () => {
    for (const args of [['--version'], ['--help']]) {
      const { run, files, builtins, code } = await runRecording(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(files.some((u) => u.endsWith('/bundle/cli.js'))).toBe(true);
      expect(code).not.toContain('ECRClient');
      expect(builtins).toContain('node:path');
      for (const unused of ['node:crypto', 'node:v8', 'node:child_process']) expect(builtins).not.toContain(unused);
    }
  });

  it('a request with environment credentials loads the SDK, no SSO or STS client, and reads no built-in module whole', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { run, builtins, code } = await runRecording(['tag', 'app:v1', 'stable', '--endpoint-url', endpoint, '--max-attempts', '1'], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1',
    });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).not.toMatch(/Warning/);
    expect(code).toContain('ECRClient');
    const everything = readdirSync(BUNDLE).map((f) => readFileSync(join(BUNDLE, f), 'utf8')).join('\n');
    for (const other of ['GetRoleCredentials', 'AssumeRoleWithWebIdentity']) {
      expect(everything).toContain(other);
      expect(code).not.toContain(other);
    }
    expect(builtins).toContain('node:crypto');
    expect(builtins).toContain('node:http');
    for (const unread of ['node:internal/process/report', 'node:internal/deps/undici/undici', 'node:http2']) expect(builtins).not.toContain(unread);
    // The ECR client is bundled with the commands ecr-push sends, not the other fifty-odd.
    for (const sent of ['PutImageCommand', 'UploadLayerPartCommand']) expect(everything).toContain(sent);
    for (const never of ['StartImageScanCommand', 'DeleteRepositoryCommand', 'PutLifecyclePolicyCommand']) {
      expect(everything).not.toContain(never);
    }
  });

  it('a push, and a re-push that uploads nothing, never load node:child_process', async () => {
    const emu = await startEmulator();
    try {
      emu.createRepository('startup/app');
      const args = [join(repoRoot, 'fixtures', 'oci-layout'), 'startup/app:v1'];
      const first = await runRecording(args, emu.env);
      expect(first.run.code, first.run.stderr).toBe(0);
      expect(first.run.stderr).toMatch(/^uploaded sha256:/m);
      const again = await runRecording(args, emu.env);
      expect(again.run.code, again.run.stderr).toBe(0);
      expect(again.run.stderr).not.toMatch(/^uploaded sha256:/m);
      for (const run of [first, again]) {
        expect(run.builtins).toContain('node:v8');
        expect(run.builtins).not.toContain('node:child_process');
      }
    } finally {
      await emu.stop();
    }
  });

  it('the bundle imports no built-in module as an ES module (Node would read each one whole)', () => {
    for (const file of readdirSync(BUNDLE).filter((f) => f.endsWith('.js'))) {
      const imports = readFileSync(join(BUNDLE, file), 'utf8').match(/(?:from|import\()\s*["'](?:node:)?[a-z_/0-9]+["']/g) ?? [];
      // The one allowed: node:module, for the createRequire that loads all the others.
      expect(imports.filter((i) => !/["']node:module["']$/.test(i)), file).toEqual([]);
    }
  });
});
