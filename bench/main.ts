/**
 * `npm run bench`: ecr-push against skopeo on the same images, plus the issue's other targets.
 * Prints a Markdown report and writes it to .bench/results.md. Sizes: see config.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readConfig, type BenchConfig } from './config.js';
import { startEmulatorProcess, type BenchEmulator } from './emulator-process.js';
import { warmPageCache } from './files.js';
import { freshMemoryCost } from './fresh-memory.js';
import { gzipSpeeds } from './gzip-speed.js';
import { ensureImage, type BenchImage, type ImageRecipe } from './images.js';
import { medianSample, type Sample } from './measure.js';
import { machineLines, renderReport, type Report } from './report.js';
import { asInstalled, benchNodes, benchRepository, ecrPush, ecrPushVersion, freshTarget, nodeNoop, sha256Floor, skopeoCopy, starters, type BenchNode, type Starter, type Tuning } from './tools.js';

const ROOT = resolve(import.meta.dirname, '..');
const BENCH_DIR = join(ROOT, '.bench');
const WORK = join(BENCH_DIR, 'work');
const MiB = 1024 * 1024;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function repeat(runs: number, run: () => Promise<Sample>): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await run());
  return medianSample(samples);
}

/** `a` and `b` run in turn, `runs` times each, so a load spike touches both: their medians. */
async function alternate(runs: number, a: () => Promise<Sample>, b: () => Promise<Sample>): Promise<[Sample, Sample]> {
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [medianSample(as), medianSample(bs)];
}

/**
 * A push of `source` with an empty cache, to a fresh emulator or a new repository of a running
 * one; that repository is removed afterwards, as skopeo's registry storage is, so no run's blobs
 * are written back to disk while a later run is measured.
 */
async function freshPush(source: string, repo: string, tuning: Tuning = 'default', running?: BenchEmulator, starter?: Starter): Promise<Sample> {
  const target = await freshTarget(WORK, running);
  try {
    return await ecrPush(target, source, repo, tuning, starter);
  } finally {
    await target.stop();
    await running?.removeRepository(benchRepository(repo));
  }
}

function image(name: string, kind: 'noise' | 'text', totalMiB: number, layers = 4, forms?: ImageRecipe['forms'], rebuildOf?: string): Promise<BenchImage> {
  log(`image ${name}: ${totalMiB} MiB in ${layers} layers of ${kind}${rebuildOf ? `, all but the last those of ${rebuildOf}` : ''} (made once, reused)`);
  return ensureImage(join(BENCH_DIR, 'images'), {
    name, kind, layers, layerBytes: Math.floor((totalMiB * MiB) / layers), ...(forms ? { forms } : {}), ...(rebuildOf ? { rebuildOf } : {}),
  });
}

async function sideBySide(cfg: BenchConfig, nodes: BenchNode[], report: Report): Promise<void> {
  log(`writing ${cfg.sizeMiB} MiB into memory idle for a while, and into memory just freed`);
  report.freshMemory = await freshMemoryCost(WORK, cfg.sizeMiB);
  // ecr-push on each further Node as installed; the emulator stays on the bench's Node.
  const others = nodes.slice(1).map(asInstalled);
  for (const kind of ['noise', 'text'] as const) {
    const img = await image(`${kind}-${cfg.sizeMiB}`, kind, cfg.sizeMiB);
    for (const form of ['layout', 'archive'] as const) {
      const ours: Sample[] = [];
      const oursHuge: Sample[] = [];
      const oursOn = others.map((starter) => ({ starter, samples: [] as Sample[] }));
      const theirs: Sample[] = [];
      const src = form === 'layout' ? img.layout : img.archive;
      const skopeoSrc = form === 'layout' ? `oci:${img.layout}:bench` : `docker-archive:${img.archive}`;
      const files = form === 'layout' ? img.layoutBlobs : [img.archive];
      const warm = async <T>(run: () => Promise<T>): Promise<T> => {
        await warmPageCache(files);
        return run();
      };
      // One emulator for the case, each push into a repository of its own, so every push finds
      // the service up and warm, as a push to ECR does, and an empty destination, as skopeo's does.
      const emulator = await startEmulatorProcess();
      try {
        log(`${kind} ${form}: warming the emulator up (not measured)`);
        await warm(() => freshPush(src, `${kind}-${form}-warm-up`, 'default', emulator));
        for (let i = 0; i < cfg.runs; i++) {
          log(`${kind} ${form}: run ${i + 1}/${cfg.runs}`);
          ours.push(await warm(() => freshPush(src, `${kind}-${form}-${i}`, 'default', emulator)));
          oursHuge.push(await warm(() => freshPush(src, `${kind}-${form}-${i}-huge`, 'huge-pages', emulator)));
          for (const [j, on] of oursOn.entries()) {
            on.samples.push(await warm(() => freshPush(src, `${kind}-${form}-${i}-node-${j}`, 'default', emulator, on.starter)));
          }
          theirs.push(await warm(() => skopeoCopy(WORK, skopeoSrc, `${kind}-${form}`)));
        }
      } finally {
        await emulator.stop();
      }
      const floor = await repeat(cfg.runs, () => warm(() => sha256Floor(files)));
      const skopeo = medianSample(theirs);
      report.sideBySide.push({ kind, form, sizeMiB: cfg.sizeMiB, tuning: 'default', ours: medianSample(ours), skopeo, floor });
      report.sideBySide.push({ kind, form, sizeMiB: cfg.sizeMiB, tuning: 'huge-pages', ours: medianSample(oursHuge), skopeo, floor });
      for (const { starter, samples } of oursOn) {
        report.sideBySide.push({ kind, form, sizeMiB: cfg.sizeMiB, tuning: 'default', node: starter.nodeVersion, ours: medianSample(samples), skopeo, floor });
      }
    }
  }
}

/**
 * Pairs of runs for a measurement of a fraction of a second (a re-push, `--version`, each against
 * `node -e 0`), where one load spike on a shared machine moves a median of a few runs the most:
 * 15 pairs take about 6 s.
 */
const SHORT_RUNS = 15;

async function repush(cfg: BenchConfig, nodes: BenchNode[], report: Report): Promise<void> {
  const img = await image(`noise-${cfg.sizeMiB}`, 'noise', cfg.sizeMiB);
  for (const [form, source] of [['archive', img.archive], ['layout', img.layout]] as const) {
    const target = await freshTarget(WORK);
    try {
      log(`re-push of an unchanged ${form}`);
      await ecrPush(target, source, 'repush');
      for (const starter of starters(nodes)) {
        const [again, noop] = await alternate(Math.max(SHORT_RUNS, cfg.runs), () => ecrPush(target, source, 'repush', 'default', starter), () => nodeNoop(starter));
        report.repush.push({ form, env: starter.env, node: starter.nodeVersion, sizeMiB: cfg.sizeMiB, seconds: again.wall, nodeNoop: noop.wall });
      }
    } finally {
      await target.stop();
    }
  }
}

/**
 * A CI runner with an empty compression cache pushing a rebuild whose top layer changed: onto
 * the build before (pushed first, not measured, into a repository of its own per run), and into
 * an empty repository, which is what the push cost before it compressed ahead.
 */
async function rebuild(cfg: BenchConfig, report: Report): Promise<void> {
  for (const kind of ['noise', 'text'] as const) {
    const base = await image(`${kind}-${cfg.sizeMiB}`, kind, cfg.sizeMiB);
    const next = await image(`${kind}-${cfg.sizeMiB}-rebuild`, kind, cfg.sizeMiB, 4, ['archive'], `${kind}-${cfg.sizeMiB}`);
    const emulator = await startEmulatorProcess();
    try {
      const onto = async (i: number): Promise<Sample> => {
        const repo = `rebuild-${kind}-${i}`;
        const first = await freshTarget(WORK, emulator);
        await ecrPush(first, base.archive, repo).finally(() => first.stop());
        await warmPageCache([next.archive]);
        return freshPush(next.archive, repo, 'default', emulator);
      };
      const empty = async (i: number): Promise<Sample> => {
        await warmPageCache([next.archive]);
        return freshPush(next.archive, `rebuild-${kind}-empty-${i}`, 'default', emulator);
      };
      const ontos: Sample[] = [];
      const empties: Sample[] = [];
      for (let i = 0; i < cfg.runs; i++) {
        log(`rebuild of the ${kind} docker-save: run ${i + 1}/${cfg.runs}`);
        ontos.push(await onto(i));
        empties.push(await empty(i));
      }
      report.rebuild.push({ kind, sizeMiB: cfg.sizeMiB, layers: 4, onto: medianSample(ontos), empty: medianSample(empties) });
    } finally {
      await emulator.stop();
    }
  }
}

async function startup(nodes: BenchNode[], report: Report): Promise<void> {
  log('start-up: ecr-push --version against node -e 0');
  for (const starter of starters(nodes)) {
    const [version, noop] = await alternate(SHORT_RUNS, () => ecrPushVersion(starter), () => nodeNoop(starter));
    report.startup.push({ env: starter.env, node: starter.nodeVersion, version, nodeNoop: noop });
  }
}

async function rss(cfg: BenchConfig, nodes: BenchNode[], report: Report): Promise<void> {
  const small = await image(`noise-${cfg.sizeMiB}`, 'noise', cfg.sizeMiB);
  const big = await image(`big-noise-${cfg.bigMiB}`, 'noise', cfg.bigMiB, 4, ['archive']);
  for (const n of nodes) {
    log(`peak RSS on Node ${n.nodeVersion}: docker-save ${cfg.sizeMiB} MiB and ${cfg.bigMiB} MiB`);
    const starter = asInstalled(n);
    report.rss.push({
      node: n.nodeVersion,
      smallMiB: cfg.sizeMiB, small: await freshPush(small.archive, 'rss-small', 'default', undefined, starter),
      bigMiB: cfg.bigMiB, big: await freshPush(big.archive, 'rss-big', 'default', undefined, starter),
    });
  }
}

async function latency(cfg: BenchConfig, report: Report): Promise<void> {
  const img = await image(`latency-8x${cfg.latencyLayerMiB}`, 'noise', 8 * cfg.latencyLayerMiB, 8, ['layout']);
  const withLatency = async (latencyMs: number): Promise<Sample> => {
    const target = await freshTarget(WORK);
    try {
      if (latencyMs > 0) await target.emulator.addFault({ kind: { latencyMs } });
      return await ecrPush(target, img.layout, 'latency');
    } finally {
      await target.stop();
    }
  };
  const plain: Sample[] = [];
  const slow: Sample[] = [];
  for (let i = 0; i < cfg.runs; i++) {
    log(`8 × ${cfg.latencyLayerMiB} MiB with and without 20 ms latency: run ${i + 1}/${cfg.runs}`);
    plain.push(await withLatency(0));
    slow.push(await withLatency(20));
  }
  report.latency = { layers: 8, layerMiB: cfg.latencyLayerMiB, latencyMs: 20, plain: medianSample(plain), slow: medianSample(slow) };
}

async function main(): Promise<void> {
  const cfg = readConfig();
  execFileSync('sh', [join(ROOT, 'bench', 'setup.sh')], { stdio: 'inherit' });
  await mkdir(WORK, { recursive: true });
  const report: Report = { machine: machineLines(), date: new Date().toISOString(), config: cfg, sideBySide: [], repush: [], startup: [], rebuild: [], rss: [] };
  if (cfg.sections.has('gzip')) {
    log(`gzip encoder throughput on ${cfg.gzipMiB} MiB of each kind`);
    report.gzip = { mib: cfg.gzipMiB, rows: await gzipSpeeds(cfg.gzipMiB) };
  }
  const nodes = benchNodes(cfg.otherNodes);
  if (cfg.sections.has('side-by-side')) await sideBySide(cfg, nodes, report);
  if (cfg.sections.has('repush')) await repush(cfg, nodes, report);
  if (cfg.sections.has('rebuild')) await rebuild(cfg, report);
  if (cfg.sections.has('startup')) await startup(nodes, report);
  if (cfg.sections.has('rss')) await rss(cfg, nodes, report);
  if (cfg.sections.has('latency')) await latency(cfg, report);
  const text = renderReport(report);
  await writeFile(join(BENCH_DIR, 'results.md'), text);
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
