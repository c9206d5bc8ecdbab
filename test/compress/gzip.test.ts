import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { gzipEncoderKey, gzipReader, type GzipEncoderOptions } from '../../src/compress/gzip.js';
import type { ByteReader } from '../../src/image/byte-reader.js';
import { readAll, streamReader } from '../helpers/readers.js';
import { noise, text } from './data.js';

const BLOCK = 64 * 1024;

/** Encode `input`, fed in chunks of `chunkSize` bytes (default: one chunk), read out `readSize` bytes at a time. */
async function encode(input: Buffer, opts: GzipEncoderOptions = {}, chunkSize = input.length || 1, readSize = 100_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += chunkSize) chunks.push(input.subarray(offset, offset + chunkSize));
  return readAll(gzipReader(streamReader(Readable.from(chunks)), opts), readSize);
}

/** A reader of `bytes`, counting what has been asked of it. */
function countingReader(bytes: Buffer): ByteReader & { pulled: number; closed: boolean } {
  const r = {
    pulled: 0,
    closed: false,
    async read(into: Buffer) {
      const n = bytes.copy(into, 0, r.pulled);
      r.pulled += n;
      return n;
    },
    async close() {
      r.closed = true;
    },
  };
  return r;
}

const hasGzip = spawnSync('gzip', ['--version']).status === 0;

describe('gzip encoder output is a valid gzip stream of the input', () => {
  const sizes = [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 3 * BLOCK + 12345];
  const kinds = { noise, text, mixed: (n: number) => Buffer.concat([noise(n >> 1), text(n - (n >> 1))]) };
  for (const [kind, make] of Object.entries(kinds)) {
    for (const size of sizes) {
      it(`${kind} input of ${size} bytes decompresses to itself (block ${BLOCK})`, async () => {
        const input = make(size);
        const gz = await encode(input, { blockSize: BLOCK }, 10_000);
        expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
      });
    }
  }

  it.skipIf(!hasGzip)('`gzip -t` accepts a multi-block stream mixing stored and deflated blocks', async () => {
    const input = Buffer.concat([text(200_000), noise(300_000), text(150_000, 3)]);
    const gz = await encode(input, { blockSize: BLOCK });
    const check = spawnSync('gzip', ['-t'], { input: gz });
    expect(check.stderr.toString()).toBe('');
    expect(check.status).toBe(0);
    const viaGzip = spawnSync('gzip', ['-dc'], { input: gz, maxBuffer: 10 * input.length });
    expect(viaGzip.stdout.equals(input)).toBe(true);
  });

  it('empty input gives a gzip stream that decompresses to nothing', async () => {
    const gz = await encode(Buffer.alloc(0));
    expect(zlib.gunzipSync(gz).length).toBe(0);
  });

  it('the header carries no timestamp and a fixed OS byte, so the bytes do not depend on when or where', async () => {
    const gz = await encode(text(1000));
    expect(gz.subarray(0, 3)).toEqual(Buffer.from([0x1f, 0x8b, 0x08]));
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz[9]).toBe(0xff);
  });
});

describe('gzip encoder output is deterministic', () => {
  const input = Buffer.concat([text(300_000), noise(200_000), text(250_000, 11)]);

  it('two runs with the same options give identical bytes', async () => {
    const a = await encode(input, { blockSize: BLOCK });
    const b = await encode(input, { blockSize: BLOCK });
    expect(a.equals(b)).toBe(true);
  });

  it('concurrency and the sizes of the reads on either side do not change the bytes', async () => {
    const reference = await encode(input, { blockSize: BLOCK, concurrency: 1 });
    for (const [concurrency, chunkSize, readSize] of [[2, 1000, 1], [4, 65_536, 7], [8, 7, 65_536], [3, input.length, 3 * BLOCK]] as const) {
      const gz = await encode(input, { blockSize: BLOCK, concurrency }, chunkSize, readSize);
      expect(gz.equals(reference), `concurrency ${concurrency}, chunks of ${chunkSize}, reads of ${readSize}`).toBe(true);
    }
  });

  it('the encoder key names the level and block size, which change the bytes', async () => {
    const level1 = await encode(input, { blockSize: BLOCK, level: 1 });
    const level9 = await encode(input, { blockSize: BLOCK, level: 9 });
    const bigBlocks = await encode(input, { blockSize: 4 * BLOCK, level: 1 });
    expect(level1.equals(level9)).toBe(false);
    expect(level1.equals(bigBlocks)).toBe(false);
    const keys = new Set([
      gzipEncoderKey({ blockSize: BLOCK, level: 1 }),
      gzipEncoderKey({ blockSize: BLOCK, level: 9 }),
      gzipEncoderKey({ blockSize: 4 * BLOCK, level: 1 }),
    ]);
    expect(keys.size).toBe(3);
    expect(gzipEncoderKey({ concurrency: 1 })).toBe(gzipEncoderKey({ concurrency: 8 }));
  });
});

describe('gzip encoder size', () => {
  it('incompressible input grows by a few bytes per 64 KiB at most', async () => {
    const input = noise(2 * 1024 * 1024);
    const gz = await encode(input);
    expect(gz.length).toBeGreaterThanOrEqual(input.length);
    // 5 bytes per stored piece of at most 65535 bytes, one piece more per block, header and trailer
    expect(gz.length).toBeLessThanOrEqual(input.length * 1.0001 + 100);
  });

  it('compressible input shrinks about as much as single-stream zlib at the same level', async () => {
    const input = text(2 * 1024 * 1024);
    const gz = await encode(input, { level: 6 });
    const single = zlib.gzipSync(input, { level: 6 });
    expect(gz.length).toBeLessThan(input.length / 2);
    expect(gz.length).toBeLessThan(single.length * 1.02);
  });

  it('level 0 stores the data without compressing it', async () => {
    const input = text(300_000);
    const gz = await encode(input, { level: 0 });
    expect(gz.length).toBeGreaterThan(input.length);
    expect(zlib.gunzipSync(gz).equals(input)).toBe(true);
  });
});

describe('gzip encoder memory bound', () => {
  it('reads its input only as far as the blocks in flight while its output is not read', async () => {
    const concurrency = 2;
    const source = countingReader(text(20 * BLOCK));
    const reader = gzipReader(source, { blockSize: BLOCK, concurrency });
    await reader.read(Buffer.alloc(20)); // the gzip header and a little of the first block
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(source.pulled).toBeGreaterThan(0);
    expect(source.pulled).toBeLessThanOrEqual(concurrency * BLOCK);
    await reader.close();
    expect(source.closed).toBe(true);
  });

  it('fails with its source\'s error (a layer that does not match its digest) instead of ending', async () => {
    const bytes = text(3 * BLOCK);
    let pulled = 0;
    const failing: ByteReader = {
      read: async (into) => {
        if (pulled >= 2 * BLOCK) throw new Error('blob does not match its digest');
        const n = bytes.copy(into, 0, pulled);
        pulled += n;
        return n;
      },
      close: async () => undefined,
    };
    await expect(readAll(gzipReader(failing, { blockSize: BLOCK }))).rejects.toThrow('does not match its digest');
  });
});

describe('gzip encoder options', () => {
  it('rejects a level outside 0–9, a block size under 64 KiB and a zero concurrency', () => {
    const source = countingReader(Buffer.alloc(0));
    expect(() => gzipReader(source, { level: 10 })).toThrow(RangeError);
    expect(() => gzipReader(source, { blockSize: 1000 })).toThrow(RangeError);
    expect(() => gzipReader(source, { concurrency: 0 })).toThrow(RangeError);
  });
});
