/** In-process throughput of the gzip encoder against Node's single-stream zlib gzip. */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { gzipReader, type GzipEncoderOptions } from '../src/compress/gzip.js';
import { readerStream, streamReader } from '../test/helpers/readers.js';
import { generate, type DataKind } from './data.js';

export interface GzipSpeed {
  kind: DataKind;
  encoder: string;
  mibPerSecond: number;
  cpuSeconds: number;
  ratio: number;
}

/** The gzip encoding of a stream. */
type Encode = (input: Readable) => Readable;

const ours = (opts: GzipEncoderOptions = {}): Encode => (input) => readerStream(gzipReader(streamReader(input), opts));
const zlibStream = (level: number): Encode => (input) => input.pipe(zlib.createGzip({ level }));

const ENCODERS: [string, Encode][] = [
  ['ecr-push gzip, level 1 (default)', ours()],
  ['ecr-push gzip, level 6', ours({ level: 6 })],
  ['zlib gzip stream, level 6', zlibStream(6)],
  ['zlib gzip stream, level 1', zlibStream(1)],
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
  for (const kind of ['noise', 'text'] as const) {
    const input = Buffer.concat([...generate(kind, mib * 1024 * 1024, `gzip-speed/${kind}`)]);
    const chunks = function* () {
      for (let o = 0; o < input.length; o += 65_536) yield input.subarray(o, o + 65_536);
    };
    // One unmeasured pass over the same input first: whichever encoder ran first paid 0.1-0.2 CPU
    // seconds more (code paths compiled, the thread pool's deflate state and block buffers first
    // touched), which made level 1 look slower than level 6 on noise.
    await pipeline(ours()(Readable.from(chunks())), counter(() => undefined));
    for (const [encoder, make] of ENCODERS) {
      let outBytes = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await pipeline(make(Readable.from(chunks())), counter((n) => (outBytes += n)));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      results.push({ kind, encoder, mibPerSecond: mib / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, ratio: outBytes / input.length });
    }
  }
  return results;
}
