/** The two pushers under test, each against a fresh destination per run. */
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

/** `ecr-push push <source> bench/<repo>:latest` against the target, measured. */
export function ecrPush(target: PushTarget, source: string, repo: string, tuning: Tuning = 'default'): Promise<Sample> {
  const { GLIBC_TUNABLES: _ignored, ...env } = process.env;
  return measure(process.execPath, [CLI, 'push', source, `${benchRepository(repo)}:latest`, '--create-repository', '--quiet'], {
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
export function ecrPushVersion(): Promise<Sample> {
  return measure(process.execPath, [CLI, '--version']);
}

export function nodeNoop(): Promise<Sample> {
  return measure(process.execPath, ['-e', '0']);
}

/** One sha256 pass over the files, as the floor for any pusher that must read them. */
export function sha256Floor(files: string[]): Promise<Sample> {
  return measure('openssl', ['dgst', '-sha256', ...files]);
}
