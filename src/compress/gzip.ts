/**
 * A fast, deterministic gzip encoder: raw bytes in, one standard gzip member out.
 *
 * The input is cut into fixed-size blocks at fixed offsets; blocks are deflated independently and
 * in parallel on the libuv thread pool (pigz-style, see block.ts) and written in input order
 * behind one gzip header, followed by the CRC-32 and size of the whole input. The output depends
 * only on the input bytes, the options and the zlib build (GZIP_ENCODER_VERSION), never on
 * `concurrency`, read sizes or thread timing.
 *
 * It is pulled, not pushed: the encoder is a ByteReader over a ByteReader. Input blocks are read
 * into (concurrency + 1) buffers it reuses, and it reads ahead only while fewer than
 * `concurrency` blocks are waiting to be read out, so memory is about
 * (concurrency + 1) × blockSize × 2 bytes (inputs and their output), and a push makes no garbage
 * per block for the garbage collector to catch up with.
 */
import os from 'node:os';
import type { ByteReader } from '../image/byte-reader.js';
import { encodeBlock, WINDOW } from './block.js';
import { crc32 } from './crc32.js';

/**
 * Changes whenever the output bytes for the same input and options could change: the block
 * format and zlib settings (our part; 3: memLevel 9) and the zlib that deflates (Node's bundled
 * build).
 */
export const GZIP_ENCODER_VERSION = `pgz-3+zlib-${process.versions.zlib}`;

export interface GzipEncoderOptions {
  /**
   * Deflate level 0–9 (default 1). 0 writes stored blocks only. Part of the output identity.
   * Level 1 deflates about 1.6 times as fast as level 6 for output 5–9 % larger; on a 2-core CI
   * runner the time saved compressing is far more than the time the extra bytes take to upload.
   */
  level?: number;
  /** Input bytes per independently deflated block (default 1 MiB, at least 64 KiB). Part of the output identity. */
  blockSize?: number;
  /** Blocks in flight at once (default: available CPUs + 1, so no thread waits while the next block fills). Does not change the output. */
  concurrency?: number;
}

export const DEFAULT_LEVEL = 1;
export const DEFAULT_BLOCK_SIZE = 1024 * 1024;
const MIN_BLOCK_SIZE = 64 * 1024;

/** gzip member header: deflate, no flags, mtime 0, no extra flags, OS 255 ("unknown"). */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** Everything that determines the output bytes: a cache key for compressed-layer digests. */
export function gzipEncoderKey(opts: GzipEncoderOptions = {}): string {
  const { level, blockSize } = resolveOptions(opts);
  return `${GZIP_ENCODER_VERSION};level=${level};block=${blockSize}`;
}

/** The gzip encoding of everything `source` reads, as a reader; closing it closes the source. */
export function gzipReader(source: ByteReader, opts: GzipEncoderOptions = {}): ByteReader {
  return new GzipReader(source, resolveOptions(opts));
}

function resolveOptions(opts: GzipEncoderOptions): Required<GzipEncoderOptions> {
  const level = opts.level ?? DEFAULT_LEVEL;
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const concurrency = opts.concurrency ?? os.availableParallelism() + 1;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`gzip level must be an integer 0–9, got ${level}`);
  if (!Number.isInteger(blockSize) || blockSize < MIN_BLOCK_SIZE) throw new RangeError(`gzip block size must be an integer ≥ ${MIN_BLOCK_SIZE}, got ${blockSize}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`gzip concurrency must be a positive integer, got ${concurrency}`);
  return { level, blockSize, concurrency };
}

interface Block {
  /** The input buffer, given back once the block's output (which may view it) has been read out. */
  input: Buffer;
  output: Promise<Buffer[]>;
}

class GzipReader implements ByteReader {
  readonly #source: ByteReader;
  readonly #level: number;
  readonly #blockSize: number;
  readonly #concurrency: number;
  /** Input buffers not holding a block. */
  readonly #free: Buffer[] = [];
  /** Blocks submitted and not yet read out, oldest first. */
  readonly #blocks: Block[] = [];
  /** The last input bytes of the previous block (its own copy): the next block's dictionary. */
  #dictionary: Buffer = Buffer.alloc(0);
  /** Output ready to be read, and the input buffer it views (given back when it has been read). */
  #out: Buffer[] = [Buffer.from(HEADER)];
  #outInput: Buffer | undefined;
  #sourceDone = false;
  #trailerQueued = false;
  #crc = 0;
  #size = 0;

  constructor(source: ByteReader, opts: Required<GzipEncoderOptions>) {
    this.#source = source;
    this.#level = opts.level;
    this.#blockSize = opts.blockSize;
    this.#concurrency = opts.concurrency;
  }

  async read(into: Buffer): Promise<number> {
    let filled = 0;
    while (filled < into.length) {
      const head = this.#out[0];
      if (head === undefined) {
        if (!(await this.#nextOutput())) break;
        continue;
      }
      const n = head.copy(into, filled);
      filled += n;
      if (n === head.length) this.#out.shift();
      else this.#out[0] = head.subarray(n);
    }
    return filled;
  }

  async close(): Promise<void> {
    this.#sourceDone = true;
    this.#trailerQueued = true;
    this.#out = [];
    this.#blocks.length = 0;
    await this.#source.close();
  }

  /** Move the oldest block's output (or the trailer) into #out; false at the end. */
  async #nextOutput(): Promise<boolean> {
    if (this.#outInput) this.#free.push(this.#outInput);
    this.#outInput = undefined;
    await this.#submitAhead();
    const block = this.#blocks.shift();
    if (block !== undefined) {
      this.#out = await block.output;
      this.#outInput = block.input;
      return true;
    }
    if (this.#trailerQueued) return false;
    this.#trailerQueued = true;
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size % 0x1_0000_0000, 4);
    this.#out = [trailer];
    return true;
  }

  /** Read and submit input blocks until `concurrency` are waiting or the source is done. */
  async #submitAhead(): Promise<void> {
    while (!this.#sourceDone && this.#blocks.length < this.#concurrency) {
      const input = this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#blockSize);
      const n = await this.#source.read(input);
      const final = n < this.#blockSize;
      if (final) this.#sourceDone = true;
      const data = input.subarray(0, n);
      this.#crc = crc32(data, this.#crc);
      this.#size += n;
      const output = encodeBlock({ data, dictionary: this.#dictionary, final, level: this.#level });
      output.catch(() => undefined); // read out in order; a failure surfaces then
      this.#blocks.push({ input, output });
      this.#dictionary = Buffer.from(data.subarray(Math.max(0, data.length - WINDOW)));
    }
  }
}
