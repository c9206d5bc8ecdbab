/**
 * `npm run demo`: start the local ECR emulator, push a fixture with the real CLI, pull it back
 * with skopeo, print the pushed reference, and stop cleanly. Nothing touches AWS.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/emulator/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'fixtures', 'docker-archive.tar');
const REPOSITORY = 'demo/app';

/** Run a program, its stderr shown as it goes; resolves with stdout, rejects on a non-zero exit. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const emu = await startEmulator();
  const home = await mkdtemp(join(tmpdir(), 'ecr-push-demo-'));
  try {
    console.log(`emulator listening on ${emu.endpoint}\n`);
    const env = {
      PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: join(home, '.cache'),
      AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), ...emu.env,
    };
    console.log(`$ ecr-push ${SOURCE.slice(ROOT.length + 1)} ${REPOSITORY}:v1 --create-repository`);
    const stdout = await run(process.execPath, [join(ROOT, 'bin', 'ecr-push.js'), SOURCE, `${REPOSITORY}:v1`, '--create-repository'], env);
    const pushed = stdout.trim();
    const pullFrom = `docker://${emu.registryHost}/${REPOSITORY}:v1`;
    console.log(`\n$ skopeo copy --src-tls-verify=false ${pullFrom} dir:…`);
    await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', pullFrom, `dir:${join(home, 'pulled')}`], env);
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', pullFrom], env);
    const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const same = pushed.endsWith(`@${digest}`);
    console.log(`pulled back ${digest}: ${same ? 'the digest that was pushed' : 'NOT the digest that was pushed'}`);
    console.log(`\npushed: ${pushed}`);
    if (!same) process.exitCode = 1;
  } finally {
    await emu.stop();
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
