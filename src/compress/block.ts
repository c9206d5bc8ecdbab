/**
 * One block of a parallel gzip stream: raw deflate that starts and ends on a byte boundary, so
 * blocks encoded independently concatenate into one valid deflate stream (as pigz does).
 *
 * A block is deflated with the previous block's last 32 KiB as its dictionary (matches may reach
 * back across the boundary, as the decoder's window holds those bytes) and ends with Z_SYNC_FLUSH,
 * or Z_FINISH for the last block. Blocks that do not compress are written as stored blocks, after
 * a cheap probe on a sample, without a full deflate pass. Every choice depends on the bytes only,
 * never on timing, so the output is deterministic.
 */
import os from 'node:os';
import zlib from 'node:zlib';
import { storedBlocks, storedSize } from './stored.js';

/** Deflate's window: the most a dictionary can usefully hold. */
export const WINDOW = 32 * 1024;

/**
 * zlib's memLevel for every pass: 9 (zlib's default is 8) doubles the match-finder's hash table
 * and the literal buffer, 128 KiB more per pass. At level 1 it deflates layer data 5–15 % faster
 * (text, binaries, node_modules) for output within 0.3 % of the size. Part of the output identity.
 */
export const MEM_LEVEL = 9;

/** Probe: this many slices of this size, spread evenly over the block, deflated at level 1. */
const PROBE_SLICES = 8;
const PROBE_SLICE = 4 * 1024;
/**
 * A sample with at least this many bits of order-0 entropy per byte is taken as incompressible
 * without a deflate probe (deflate's Huffman stage could save under 1 %; its matches are rare
 * in such data).
 */
const UNIFORM_BITS = 7.92;
/** A block whose sample deflates to more than this fraction of its size is stored. */
const PROBE_KEEP_RATIO = 0.95;
/**
 * A sample with fewer bits of order-0 entropy per byte than this needs no deflate probe: Huffman
 * coding alone brings it under 80 %, well inside PROBE_KEEP_RATIO, so the probe could only say
 * "deflate". Text is about 4.5.
 */
const SKEWED_BITS = 6;

/**
 * zlib's output buffer for a block expected to deflate to about `expected` bytes: that plus an
 * eighth and 64 KiB, so nearly every block is deflated in one thread-pool pass. With less room,
 * zlib comes back to the main thread for more several times per block, and the block waits
 * whenever that thread is busy hashing a part. When a block turns out larger, zlib asks for more
 * room; the output is the same either way.
 */
function outputRoom(expected: number): number {
  return expected + (expected >> 3) + 64 * 1024;
}

/** The empty final block with fixed Huffman codes: ends a stream whose data is all written. */
const EMPTY_FINAL = Buffer.from([0x03, 0x00]);

export interface BlockJob {
  data: Buffer;
  /** Input bytes that directly precede `data` (at most WINDOW), or empty for the first block. */
  dictionary: Buffer;
  final: boolean;
  level: number;
}

/**
 * Deflate passes submitted at once in this process, across every encoder: two per CPU. Layers
 * compressed side by side share the cores instead of each queueing its own blocks in zlib's
 * thread pool, where every queued pass would already hold its zlib state and output buffers.
 * Two per CPU, not one: a thread that finishes a block finds the next one already queued,
 * instead of idling until the main thread, often busy hashing a part, hands it one (on 2 CPUs,
 * one per CPU left the cores a fifth idle during a push of compressible layers).
 */
const DEFLATE_SLOTS = 2 * Math.max(1, os.availableParallelism());
const running = { now: 0, max: DEFLATE_SLOTS, waiting: [] as (() => void)[] };

async function deflateSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running.now >= running.max) await new Promise<void>((resolve) => running.waiting.push(resolve));
  else running.now++;
  try {
    return await work();
  } finally {
    const next = running.waiting.shift();
    if (next) next();
    else running.now--;
  }
}

/** Encode one block; resolves to the buffers to write, in order. */
export function encodeBlock(job: BlockJob): Promise<Buffer[]> {
  return deflateSlot(() => encodeBlockNow(job));
}

async function encodeBlockNow(job: BlockJob): Promise<Buffer[]> {
  const { data, final, level } = job;
  if (data.length === 0) return final ? [EMPTY_FINAL] : [];
  const expected = level === 0 ? undefined : await deflatedEstimate(data);
  if (expected === undefined) return storedBlocks(data, final);
  const deflated = await deflateRaw(data, {
    level,
    memLevel: MEM_LEVEL,
    chunkSize: outputRoom(expected),
    finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    ...(job.dictionary.length > 0 ? { dictionary: job.dictionary } : {}),
  });
  return deflated.length < storedSize(data.length) ? [deflated] : storedBlocks(data, final);
}

/**
 * About how many bytes the block deflates to, or undefined when it is not worth a deflate pass.
 * A sample whose byte histogram is near-uniform (already-compressed or encrypted data) is not;
 * a strongly skewed one is, and its entropy bounds the size; otherwise the sample is deflated at
 * level 1 and must shrink enough.
 */
async function deflatedEstimate(data: Buffer): Promise<number | undefined> {
  const sample = probeSample(data);
  if (sample === data) return data.length; // small block: the full pass costs about what a probe would
  const bits = bitsPerByte(sample);
  if (bits >= UNIFORM_BITS) return undefined;
  if (bits < SKEWED_BITS) return Math.ceil((data.length * bits) / 8);
  const probe = await deflateRaw(sample, { level: 1, memLevel: MEM_LEVEL, chunkSize: outputRoom(sample.length) });
  if (probe.length > sample.length * PROBE_KEEP_RATIO) return undefined;
  return Math.ceil((data.length * probe.length) / sample.length);
}

/** Order-0 entropy of the bytes: 8 for uniformly random data, about 4.5 for English text. */
export function bitsPerByte(data: Buffer): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
  let bits = 0;
  for (const count of counts) {
    if (count > 0) bits -= count * Math.log2(count / data.length);
  }
  return bits / data.length;
}

function probeSample(data: Buffer): Buffer {
  const sliceCount = PROBE_SLICES;
  if (data.length <= 2 * sliceCount * PROBE_SLICE) return data;
  const stride = Math.floor((data.length - PROBE_SLICE) / (sliceCount - 1));
  const slices: Buffer[] = [];
  for (let i = 0; i < sliceCount; i++) slices.push(data.subarray(i * stride, i * stride + PROBE_SLICE));
  return Buffer.concat(slices);
}

function deflateRaw(data: Buffer, options: zlib.ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(data, options, (err, out) => (err ? reject(err) : resolve(out)));
  });
}
