/** The two pushers under test, each against a fresh destination per run. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startEmulatorProcess, type BenchEmulator } from './emulator-process.js';
import { measure, type Sample } from './measure.js';
import { startRegistry } from './registry.js';

const CLI = resolve(import.meta.dirname, '..', 'bin', 'ecr-push.js');

export interface PushTarget {
  emulator: BenchEmulator;
  /** XDG_CACHE_HOME for the CLI: where it remembers compressed-layer digests. */
  cacheHome: string;
  stop(): Promise<void>;
}

/**
 * An empty compression cache, and a fresh emulator or one already running (which `stop` leaves
 * running: ECR is a service that is up before a push and after it).
 */
export async function freshTarget(workDir: string, running?: BenchEmulator): Promise<PushTarget> {
  const emulator = running ?? (await startEmulatorProcess());
  const cacheHome = await mkdtemp(join(workDir, 'cache-'));
  return {
    emulator,
    cacheHome,
    stop: async () => {
      if (running === undefined) await emulator.stop();
      await rm(cacheHome, { recursive: true, force: true });
    },
  };
}

/**
 * glibc's switch for transparent huge pages in malloc (glibc 2.35 and later; ignored elsewhere),
 * which README's "Huge pages on Linux" suggests: part bodies are then faulted in 2 MiB at a time
 * instead of 4 KiB.
 */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** How the CLI is run: as installed, or with the huge-pages tunable in its environment. */
export type Tuning = 'default' | 'huge-pages';

/** The repository a bench push of `repo` goes to. */
export const benchRepository = (repo: string): string => `bench/${repo}`;

/**
 * The environment a start-up measurement runs in: as the bench inherited it, or without
 * `NODE_EXTRA_CA_CERTS`, which makes every Node process read and parse that CA file before it
 * runs anything (about 45 ms with a system bundle of 144 certificates on the bench machine). The
 * start-up and re-push sections measure both when the variable is set: the first is what a user
 * of this machine sees, the second what a runner without the variable sees, and only the second
 * shows ecr-push's own start-up against Node's.
 */
export type StartEnv = 'inherited' | 'no-extra-ca';

/** The environments to measure start-up in: both when NODE_EXTRA_CA_CERTS is set, else the one. */
function startEnvs(): StartEnv[] {
  return process.env.NODE_EXTRA_CA_CERTS ? ['inherited', 'no-extra-ca'] : ['inherited'];
}

/** A Node binary ecr-push runs on, and its version. */
export interface BenchNode {
  node: string;
  nodeVersion: string;
}

const BENCH_NODE: BenchNode = { node: process.execPath, nodeVersion: process.version };

/** The bench's own Node first, then the further ones (BENCH_NODES), each asked its version once. */
export function benchNodes(otherNodes: string[]): BenchNode[] {
  const others = otherNodes.map((node) => ({ node, nodeVersion: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() }));
  return [BENCH_NODE, ...others];
}

/** How ecr-push is started: on which Node, in which environment. */
export interface Starter extends BenchNode {
  env: StartEnv;
}

/** A Node as installed: in the environment the bench inherited. */
export const asInstalled = (n: BenchNode): Starter => ({ ...n, env: 'inherited' });

/** Each Node in each start-up environment. */
export function starters(nodes: BenchNode[]): Starter[] {
  return nodes.flatMap((n) => startEnvs().map((env) => ({ ...n, env })));
}

function envFor(startEnv: StartEnv): NodeJS.ProcessEnv {
  if (startEnv === 'inherited') return process.env;
  const { NODE_EXTRA_CA_CERTS: _dropped, ...rest } = process.env;
  return rest;
}

/** `ecr-push push <source> bench/<repo>:latest` against the target, measured. */
export function ecrPush(target: PushTarget, source: string, repo: string, tuning: Tuning = 'default', starter: Starter = asInstalled(BENCH_NODE)): Promise<Sample> {
  const { GLIBC_TUNABLES: _ignored, ...env } = envFor(starter.env);
  return measure(starter.node, [CLI, 'push', source, `${benchRepository(repo)}:latest`, '--create-repository', '--quiet'], {
    env: {
      ...env,
      ...(tuning === 'huge-pages' ? { GLIBC_TUNABLES: HUGE_PAGES_TUNABLE } : {}),
      ...target.emulator.env,
      XDG_CACHE_HOME: target.cacheHome,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    serverCpu: target.emulator.cpuSeconds,
  });
}

/** `skopeo copy <source> docker://<fresh registry>/bench/<repo>:latest`, measured. */
export async function skopeoCopy(workDir: string, source: string, repo: string): Promise<Sample> {
  const registry = await startRegistry(join(workDir, 'registry'));
  try {
    return await measure('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', source, `docker://${registry.host}/${benchRepository(repo)}:latest`], {
      serverCpu: registry.cpuSeconds,
    });
  } finally {
    await registry.stop();
  }
}

/** `ecr-push --version` and `node -e 0`: start-up cost alone. */
export function ecrPushVersion(starter: Starter): Promise<Sample> {
  return measure(starter.node, [CLI, '--version'], { env: envFor(starter.env) });
}

export function nodeNoop(starter: Starter): Promise<Sample> {
  return measure(starter.node, ['-e', '0'], { env: envFor(starter.env) });
}

/** One sha256 pass over the files, as the floor for any pusher that must read them. */
export function sha256Floor(files: string[]): Promise<Sample> {
  return measure('openssl', ['dgst', '-sha256', ...files]);
}
