/** Run a child under /usr/bin/time and read back wall seconds, CPU seconds and peak RSS. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sample {
  /** Wall seconds, measured around the child. */
  wall: number;
  /** User + system CPU seconds of the child and its descendants. */
  cpu: number;
  /** Peak resident set size of the largest process, MiB. */
  rssMiB: number;
  /** CPU seconds the server (the emulator or the registry) spent during the run, when measured. */
  serverCpu?: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The server's CPU seconds so far, read before and after the run. */
  serverCpu?: () => number;
}

/** Run `command args…`; rejects with its stderr when it exits non-zero. */
export async function measure(command: string, args: string[], opts: RunOptions = {}): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-push-bench-'));
  const report = join(dir, 'time');
  try {
    const serverBefore = opts.serverCpu?.();
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', report, command, ...args], {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    const wall = (performance.now() - started) / 1000;
    const serverCpu = serverBefore === undefined ? undefined : opts.serverCpu!() - serverBefore;
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
    const [user, system, rssKiB] = (await readFile(report, 'utf8')).trim().split(/\s+/).slice(-3).map(Number);
    return { wall, cpu: user! + system!, rssMiB: rssKiB! / 1024, ...(serverCpu === undefined ? {} : { serverCpu }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux the bench runs on. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system, all threads) a running process has used so far. */
export function processCpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of all.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of each field over several samples. */
export function medianSample(samples: Sample[]): Sample {
  return {
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    ...(samples.every((s) => s.serverCpu !== undefined) ? { serverCpu: median(samples.map((s) => s.serverCpu!)) } : {}),
  };
}
