/**
 * What a user gets from `npm install -g ecr-push` or `npx ecr-push`: the packed tarball holds
 * only what runs, installs with runtime dependencies alone, and the installed command works from
 * any directory against ECR (the emulator here), on Node 20, 22, 24 and 26. The GitHub Action's
 * command line runs as a runner would run it and fills GITHUB_OUTPUT.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { loadRecording } from '../cli/load-recording.js';
import { cliMissing, isolatedEnv } from '../helpers/cli.js';
import { REPO_ROOT, fixture } from '../helpers/paths.js';
import { actionRunScript } from './action-script.js';

const run = promisify(execFile);

/**
 * Files a user may receive; anything else in the tarball (tests, fixtures, sources, maps) is a leak.
 * dist/ is the library, bundle/ the CLI that bin/ecr-push.js runs (with the bundled packages' licences).
 */
const ALLOWED = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/ecr-push\.js$/, /^dist\/[\w/.-]+\.(js|d\.ts)$/,
  /^bundle\/[\w-]+\.js$/, /^bundle\/THIRD-PARTY-LICENSES\.txt$/,
];

interface Installed {
  prefix: string;
  bin: string;
}

let work: string;
let tarball: string;
let installed: Installed;
let emulator: Emulator;
let outside: string;

/** Where the installed package lives. */
function packageDir(): string {
  return join(installed.prefix, 'lib', 'node_modules', 'ecr-push');
}

/** npm, preferring its local cache: the registry is asked only for what `npm ci` did not fetch. */
async function npm(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_prefer_offline: 'true' };
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Run a command from a directory outside the repository, with the emulator's credentials only. */
async function runFrom(cmd: string, args: string[], extraEnv: Record<string, string> = {}) {
  const env = await isolatedEnv({ ...emulator.env, ...extraEnv });
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: outside, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const skip = cliMissing();

describe.skipIf(skip)('the npm package', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ecr-push-pack-'));
    outside = await mkdtemp(join(tmpdir(), 'ecr-push-outside-'));
    // dist/ was built by `npm test`; --ignore-scripts keeps prepack from rebuilding it while other
    // test files are running the CLI.
    const packed = JSON.parse(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT)) as {
      filename: string;
      files: { path: string }[];
      size: number;
      unpackedSize: number;
    }[];
    const info = packed[0]!;
    tarball = join(work, info.filename);
    console.log(`npm package: ${info.files.length} files, ${(info.size / 1024).toFixed(1)} KiB packed, ${(info.unpackedSize / 1024).toFixed(1)} KiB unpacked`);
    const prefix = join(work, 'prefix');
    await npm(['install', '-g', tarball, '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund'], work);
    installed = { prefix, bin: join(prefix, 'bin', 'ecr-push') };
    emulator = await startEmulator({ repositories: [{ name: 'pkg/app' }] });
  }, 300_000);

  afterAll(async () => {
    await emulator?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    if (outside) await rm(outside, { recursive: true, force: true });
  });

  it('packs only the built JavaScript, bin, README and licences', async () => {
    const listing = JSON.parse(await npm(['pack', '--ignore-scripts', '--dry-run', '--json'], REPO_ROOT)) as { files: { path: string }[] }[];
    const files = listing[0]!.files.map((f) => f.path);
    const leaks = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    expect(leaks).toEqual([]);
    expect(files).toContain('bin/ecr-push.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('bundle/cli.js');
    expect(files).toContain('bundle/THIRD-PARTY-LICENSES.txt');
    expect(files).toContain('LICENSE');
  });

  it('installs with runtime dependencies only', async () => {
    const pkg = JSON.parse(await readFile(join(packageDir(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const out = await npm(['ls', '-g', '--prefix', installed.prefix, '--all', '--parseable'], work).catch((e: { stdout?: string }) => e.stdout ?? '');
    for (const dev of ['vitest', 'typescript', 'tsx', '@types/node']) expect(out).not.toContain(`/node_modules/${dev}`);
    for (const dep of Object.keys(pkg.dependencies)) expect(out).toContain(`/node_modules/${dep}`);
    const { stdout: du } = await run('du', ['-sk', join(installed.prefix, 'lib', 'node_modules')]);
    console.log(`installed footprint: ${(Number(du.split('\t')[0]) / 1024).toFixed(1)} MiB with dependencies`);
  });

  it('answers --help and --version from any directory', async () => {
    const version = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    const v = await runFrom(installed.bin, ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    const help = await runFrom(installed.bin, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes/i);
    expect(help.stderr).not.toMatch(/Warning/);
  });

  it('inspects, pushes, re-pushes unchanged and retags against ECR', async () => {
    const inspected = await runFrom(installed.bin, ['inspect', fixture('oci-layout'), '--json']);
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout).format).toBe('oci-layout');

    const first = await runFrom(installed.bin, ['push', fixture('docker-archive.tar'), 'pkg/app:v1', '--json']);
    expect(first.stderr).not.toMatch(/Warning/);
    expect(first.code).toBe(0);
    const pushed = JSON.parse(first.stdout);
    expect(pushed.status).toBe('pushed');
    expect(emulator.tags('pkg/app').v1).toBe(pushed.digest);

    const again = await runFrom(installed.bin, ['push', fixture('docker-archive.tar'), 'pkg/app:v1', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).status).toBe('unchanged');

    const tagged = await runFrom(installed.bin, ['tag', 'pkg/app:v1', 'release', '--json']);
    expect(tagged.code).toBe(0);
    expect(emulator.tags('pkg/app').release).toBe(pushed.digest);
  });

  it('serves the library API unbundled, from dist/', async () => {
    const app = join(outside, 'app');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(packageDir(), join(app, 'node_modules', 'ecr-push'));
    const script = "const m = await import('ecr-push'); console.log(import.meta.resolve('ecr-push'), Object.keys(m).sort().join(','));";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    const [resolved, names] = stdout.trim().split(' ');
    expect(resolved).toMatch(/\/ecr-push\/dist\/index\.js$/);
    expect(names!.split(',')).toEqual(expect.arrayContaining(['push', 'retag', 'inspect', 'EXIT_CODES']));
  });

  // Node 20 runs the rest of this file; these are the majors most users run, and the current LTS.
  it.each([22, 24, 26])('runs on Node %i as well, silently, caching compiled code in the temp dir and never in the package, and loading no undici', async (major) => {
    const nodeDir = join(work, `node${major}`);
    await npm(['install', '--prefix', nodeDir, '--no-save', '--no-audit', '--no-fund', `node@${major}`], work);
    const node = join(nodeDir, 'node_modules', '.bin', 'node');
    const { stdout } = await run(node, ['--version']);
    expect(stdout).toMatch(new RegExp(`^v${major}\\.`));
    const script = join(packageDir(), 'bin', 'ecr-push.js');
    const tmp = join(work, `node${major}-tmp`);
    await mkdir(tmp);
    const filesBefore = await readdir(packageDir(), { recursive: true });
    const tag = `pkg/app:node${major}`;
    const res = await runFrom(node, [script, 'push', fixture('oci-layout'), tag, '--json', '--quiet'], { TMPDIR: tmp });
    // Nothing but the result: no deprecation warning, and no V8 error for the young-generation flag.
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).status).toBe('pushed');
    expect(await readdir(packageDir(), { recursive: true })).toEqual(filesBefore);
    expect(await readdir(tmp)).toEqual(['node-compile-cache']);
    // Read whole as an ES module, node:http makes Node 22 and later load undici (its WebSocket
    // getter) and with it http2 and the web streams at every push: the bundle loads built-ins by require().
    const recording = loadRecording(work);
    const again = await runFrom(node, [script, 'push', fixture('oci-layout'), tag], { TMPDIR: tmp, ...recording.env });
    expect(again.code, again.stderr).toBe(0);
    const loaded = recording.loaded();
    expect(loaded).toContain('node:http');
    for (const unread of ['node:internal/deps/undici/undici', 'node:http2']) expect(loaded).not.toContain(unread);
  }, 300_000);

  it('the GitHub Action writes digest and image-uri to GITHUB_OUTPUT', async () => {
    const script = actionRunScript(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8'));
    const output = join(work, 'github-output');
    await writeFile(output, '');
    const res = await runFrom('bash', ['-c', script], {
      GITHUB_OUTPUT: output,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      // npx installs the tarball's dependencies: from the cache `npm ci` filled, not a fresh one.
      npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
      npm_config_prefer_offline: 'true',
      ECR_PUSH_IMAGE: fixture('oci-index'),
      ECR_PUSH_REPOSITORY: 'pkg/action:v2',
      ECR_PUSH_TAGS: 'stable, latest',
      ECR_PUSH_LAYERS_FROM: '',
      ECR_PUSH_REGION: '',
      ECR_PUSH_CREATE_REPOSITORY: 'true',
      ECR_PUSH_PLATFORM: '',
      ECR_PUSH_REQUEST_TIMEOUT: '60',
      ECR_PUSH_COMPRESSION: 'auto',
      ECR_PUSH_PACKAGE: tarball,
    });
    expect(res.stderr).not.toMatch(/Warning/);
    expect(res.code).toBe(0);
    const lines = (await readFile(output, 'utf8')).split('\n');
    const digest = lines.find((l) => l.startsWith('digest='))?.slice('digest='.length);
    const uri = lines.find((l) => l.startsWith('image-uri='))?.slice('image-uri='.length);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(uri).toBe(`${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/pkg/action@${digest}`);
    expect(emulator.tags('pkg/action')).toEqual({ v2: digest, stable: digest, latest: digest });
  }, 300_000);
});
