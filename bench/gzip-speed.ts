/** In-process throughput of the gzip encoder against Node's single-stream zlib gzip. */
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { createGzipEncoder } from '../src/compress/gzip.js';
import { generate, type DataKind } from './data.js';

export interface GzipSpeed {
  kind: DataKind;
  encoder: string;
  mibPerSecond: number;
  cpuSeconds: number;
  ratio: number;
}

const ENCODERS: [string, () => Transform][] = [
  ['ecr-push gzip, level 1 (default)', () => createGzipEncoder()],
  ['ecr-push gzip, level 6', () => createGzipEncoder({ level: 6 })],
  ['zlib gzip stream, level 6', () => zlib.createGzip({ level: 6 })],
  ['zlib gzip stream, level 1', () => zlib.createGzip({ level: 1 })],
];

/** A sink that drops what it gets and reports each chunk's length. */
function counter(count: (bytes: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      count(chunk.length);
      callback();
    },
  });
}

/** Encode `mib` MiB of each kind of data, fed in 64 KiB chunks as a file read would be. */
export async function gzipSpeeds(mib: number): Promise<GzipSpeed[]> {
  const results: GzipSpeed[] = [];
  // warm-up, so the first measured encoder does not pay for compiling the code paths
  for (const kind of ['noise', 'text'] as const) {
    await pipeline(Readable.from(generate(kind, 8 * 1024 * 1024, 'gzip-speed/warm-up')), createGzipEncoder(), counter(() => undefined));
  }
  for (const kind of ['noise', 'text'] as const) {
    const input = Buffer.concat([...generate(kind, mib * 1024 * 1024, `gzip-speed/${kind}`)]);
    for (const [encoder, make] of ENCODERS) {
      let outBytes = 0;
      const chunks = function* () {
        for (let o = 0; o < input.length; o += 65_536) yield input.subarray(o, o + 65_536);
      };
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await pipeline(Readable.from(chunks()), make(), counter((n) => (outBytes += n)));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      results.push({ kind, encoder, mibPerSecond: mib / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, ratio: outBytes / input.length });
    }
  }
  return results;
}
