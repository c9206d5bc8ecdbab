/** The benchmark's Markdown report: the machine, the side-by-side table and the other targets. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BenchConfig } from './config.js';
import type { FreshMemoryCost } from './fresh-memory.js';
import type { GzipSpeed } from './gzip-speed.js';
import type { Sample } from './measure.js';
import { HUGE_PAGES_TUNABLE, type StartEnv, type Tuning } from './tools.js';

export interface SideBySideRow {
  kind: 'noise' | 'text';
  form: 'layout' | 'archive';
  sizeMiB: number;
  /** How ecr-push ran; the skopeo and floor samples are shared by both rows of a case. */
  tuning: Tuning;
  /** Set when ecr-push ran on another Node than the bench's (BENCH_NODES). */
  node?: string;
  ours: Sample;
  skopeo: Sample;
  floor: Sample;
}

export interface Report {
  machine: string[];
  date: string;
  config: BenchConfig;
  gzip?: { mib: number; rows: GzipSpeed[] };
  sideBySide: SideBySideRow[];
  /** Measured with the side-by-side section: explains part of the servers' CPU. */
  freshMemory?: FreshMemoryCost;
  /** `node` is the version of the Node binary both sides ran on. */
  repush: { form: 'layout' | 'archive'; env: StartEnv; node: string; sizeMiB: number; seconds: number; nodeNoop: number }[];
  startup: { env: StartEnv; node: string; version: Sample; nodeNoop: Sample }[];
  /** The bench's own Node first, then each of BENCH_NODES. */
  rss: { node: string; smallMiB: number; small: Sample; bigMiB: number; big: Sample }[];
  latency?: { layers: number; layerMiB: number; latencyMs: number; plain: Sample; slow: Sample };
  /** A rebuild whose top layer changed, pushed with an empty cache: onto the build before, and into an empty repository. */
  rebuild: { kind: string; sizeMiB: number; layers: number; onto: Sample; empty: Sample }[];
}

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return 'unavailable';
  }
}

export function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}`,
    `Node ${process.version} (zlib ${process.versions.zlib}), ${firstLine('skopeo', ['--version'])}, docker-registry ${firstLine('docker-registry', ['--version']).split(' ').pop()}`,
    `load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ];
}

const s = (n: number): string => n.toFixed(2);
const mib = (n: number): string => n.toFixed(0);
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
const server = (x: Sample): string => (x.serverCpu === undefined ? '–' : s(x.serverCpu));

const FORM = { layout: 'OCI layout, gzip layers', archive: 'docker-save, raw layers' } as const;

function sideBySideTable(rows: SideBySideRow[]): string[] {
  const out = [
    '| image | ecr-push wall s | skopeo wall s | wall ratio | ecr-push CPU s | skopeo CPU s | CPU ratio | emulator CPU s | registry CPU s | ecr-push peak RSS MiB | skopeo peak RSS MiB | sha256 floor s | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const wall = r.ours.wall / r.skopeo.wall;
    const cpu = r.ours.cpu / r.skopeo.cpu;
    const target = r.form === 'layout'
      ? `wall ≤ 0.6 and CPU ≤ 0.6: ${verdict(wall <= 0.6 && cpu <= 0.6)}`
      : `wall ≤ 1.0: ${verdict(wall <= 1.0)}`;
    const label = `${r.sizeMiB} MiB ${r.kind}, ${FORM[r.form]}${r.tuning === 'huge-pages' ? `, \`GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE}\`` : ''}${r.node ? `, ecr-push on Node ${r.node}` : ''}`;
    out.push(`| ${label} | ${s(r.ours.wall)} | ${s(r.skopeo.wall)} | ${wall.toFixed(2)} | ${s(r.ours.cpu)} | ${s(r.skopeo.cpu)} | ${cpu.toFixed(2)} | ${server(r.ours)} | ${server(r.skopeo)} | ${mib(r.ours.rssMiB)} | ${mib(r.skopeo.rssMiB)} | ${s(r.floor.wall)} | ${target} |`);
  }
  return out;
}

type StartRow = { env: StartEnv; node: string };

/** Labels each row with its Node and start-up environment, where the rows differ in them. */
function startLabeller(rows: StartRow[]): (row: StartRow) => string {
  const nodes = new Set(rows.map((x) => x.node)).size > 1;
  const envs = rows.some((x) => x.env === 'no-extra-ca');
  const envLabel = (env: StartEnv): string => (env === 'inherited' ? ', `NODE_EXTRA_CA_CERTS` set (as inherited)' : ', without `NODE_EXTRA_CA_CERTS`');
  return (row) => `${nodes ? `, Node ${row.node}` : ''}${envs ? envLabel(row.env) : ''}`;
}

function targetRows(r: Report): string[] {
  const out = ['| what | measured | target | |', '| --- | --- | --- | --- |'];
  const startLabel = startLabeller([...r.repush, ...r.startup]);
  for (const p of r.repush) {
    const x = p.seconds / p.nodeNoop;
    out.push(`| re-push of an unchanged ${p.sizeMiB} MiB ${FORM[p.form]}${startLabel(p)} | ${s(p.seconds)} s = ${x.toFixed(1)} × \`node -e 0\` (${s(p.nodeNoop)} s) | ≤ 3 × | ${verdict(x <= 3)} |`);
  }
  for (const u of r.startup) {
    const x = u.version.wall / u.nodeNoop.wall;
    out.push(`| \`ecr-push --version\`${startLabel(u)} | ${s(u.version.wall)} s = ${x.toFixed(1)} × \`node -e 0\` (${s(u.nodeNoop.wall)} s) | ≤ 2 × | ${verdict(x <= 2)} |`);
  }
  for (const m of r.rss) {
    const { small, big } = m;
    const growth = big.rssMiB / small.rssMiB - 1;
    out.push(`| peak RSS, docker-save ${m.smallMiB} MiB / ${m.bigMiB} MiB${r.rss.length > 1 ? `, Node ${m.node}` : ''} | ${mib(small.rssMiB)} / ${mib(big.rssMiB)} MiB (${(growth * 100).toFixed(0)} %) | ≤ 256 MiB, within 10 % | ${verdict(Math.max(small.rssMiB, big.rssMiB) <= 256 && Math.abs(growth) <= 0.1)} |`);
  }
  if (r.latency) {
    const { plain, slow } = r.latency;
    const x = slow.wall / plain.wall;
    out.push(`| ${r.latency.layers} × ${r.latency.layerMiB} MiB, +${r.latency.latencyMs} ms per request | ${s(slow.wall)} s vs ${s(plain.wall)} s = ${x.toFixed(2)} × | ≤ 1.2 × | ${verdict(x <= 1.2)} |`);
  }
  return out;
}

function freshMemoryTable(f: FreshMemoryCost): string[] {
  return [
    `| \`dd\` of ${f.mib} MiB into a new file | CPU s |`,
    '| --- | ---: |',
    `| after ${f.idleSeconds} s idle | ${s(f.afterIdle.cpu)} |`,
    `| right after deleting a file of that size | ${s(f.afterFree.cpu)} |`,
  ];
}

function gzipTable(g: NonNullable<Report['gzip']>): string[] {
  const out = [
    `| data (${g.mib} MiB) | encoder | MiB/s | CPU s | output / input |`,
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const row of g.rows) out.push(`| ${row.kind} | ${row.encoder} | ${mib(row.mibPerSecond)} | ${s(row.cpuSeconds)} | ${row.ratio.toFixed(3)} |`);
  return out;
}

function rebuildTable(rows: Report['rebuild']): string[] {
  const out = [
    '| docker-save, raw layers, empty compression cache | onto the build before: wall s | CPU s | into an empty repository: wall s | CPU s | wall ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    out.push(`| ${row.sizeMiB} MiB ${row.kind}, top layer of ${row.layers} changed | ${s(row.onto.wall)} | ${s(row.onto.cpu)} | ${s(row.empty.wall)} | ${s(row.empty.cpu)} | ${(row.onto.wall / row.empty.wall).toFixed(2)} |`);
  }
  return out;
}

export function renderReport(r: Report): string {
  const c = r.config;
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine[0]}.`,
    ...r.machine.slice(1).map((l) => `${l[0]!.toUpperCase()}${l.slice(1)}.`),
    `Medians of ${c.runs} runs; each push goes to an empty destination on loopback: a repository of its own in the case's running emulator (ecr-push), or a fresh docker-registry (skopeo).`,
    '',
  ];
  if (r.sideBySide.length > 0) lines.push(...sideBySideTable(r.sideBySide), '');
  if (r.freshMemory) lines.push(...freshMemoryTable(r.freshMemory), '');
  if (r.repush.length > 0 || r.startup.length > 0 || r.rss.length > 0 || r.latency) lines.push(...targetRows(r), '');
  if (r.rebuild.length > 0) lines.push(...rebuildTable(r.rebuild), '');
  if (r.gzip) lines.push(...gzipTable(r.gzip), '');
  return `${lines.join('\n')}`;
}

