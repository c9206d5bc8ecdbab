/** Benchmark sizes, from environment variables so a quick run with small images is possible. */
import { existsSync } from 'node:fs';

export interface BenchConfig {
  /** Size of each side-by-side image (4 layers), MiB. BENCH_SIZE_MIB, default 1024. */
  sizeMiB: number;
  /** The large image for the peak-RSS comparison, MiB. BENCH_BIG_MIB, default 4096. */
  bigMiB: number;
  /** Runs of each side-by-side case and each tool. BENCH_RUNS, default 3. */
  runs: number;
  /** Layer size of the 8-layer latency case, MiB. BENCH_LATENCY_LAYER_MIB, default 64. */
  latencyLayerMiB: number;
  /** Data per kind for the in-process gzip throughput, MiB. BENCH_GZIP_MIB, default 128. */
  gzipMiB: number;
  /**
   * Further Node binaries to run ecr-push on in the side-by-side, re-push and start-up sections,
   * besides the one running the bench (BENCH_NODES, paths separated by ":"); default none.
   */
  otherNodes: string[];
  /** Sections to run (BENCH_ONLY, comma-separated); default all. */
  sections: Set<Section>;
}

export const SECTIONS = ['gzip', 'side-by-side', 'repush', 'rebuild', 'startup', 'rss', 'latency'] as const;
export type Section = (typeof SECTIONS)[number];

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function nodePaths(raw: string): string[] {
  const paths = raw.split(':').filter(Boolean);
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`BENCH_NODES: no such file "${p}"`);
  }
  return paths;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const only = (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`BENCH_ONLY: unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
  }
  return {
    sizeMiB: positiveInt(env, 'BENCH_SIZE_MIB', 1024),
    bigMiB: positiveInt(env, 'BENCH_BIG_MIB', 4096),
    runs: positiveInt(env, 'BENCH_RUNS', 3),
    latencyLayerMiB: positiveInt(env, 'BENCH_LATENCY_LAYER_MIB', 64),
    gzipMiB: positiveInt(env, 'BENCH_GZIP_MIB', 128),
    otherNodes: nodePaths(env.BENCH_NODES ?? ''),
    sections: new Set((only.length > 0 ? only : SECTIONS) as Section[]),
  };
}
