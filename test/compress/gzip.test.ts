import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { createGzipEncoder, gzipEncoderKey, type GzipEncoderOptions } from '../../src/compress/gzip.js';
import { noise, text } from './data.js';

const BLOCK = 64 * 1024;

/** Encode `input`, fed in chunks of `chunkSize` bytes (default: one chunk). */
async function encode(input: Buffer, opts: GzipEncoderOptions = {}, chunkSize = input.length || 1): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += chunkSize) chunks.push(input.subarray(offset, offset + chunkSize));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    createGzipEncoder(opts),
    new Writable({ write(chunk: Buffer, _encoding, callback) { out.push(chunk); callback(); } }),
  );
  return Buffer.concat(out);
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

  it('concurrency and the way input is chunked do not change the bytes', async () => {
    const reference = await encode(input, { blockSize: BLOCK, concurrency: 1 });
    for (const [concurrency, chunkSize] of [[2, 1000], [4, 65_536], [8, 7], [3, input.length]] as const) {
      const gz = await encode(input, { blockSize: BLOCK, concurrency }, chunkSize);
      expect(gz.equals(reference), `concurrency ${concurrency}, chunks of ${chunkSize}`).toBe(true);
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
  it('stops taking input while its output is not read', async () => {
    const blockSize = BLOCK;
    const concurrency = 2;
    let pulled = 0;
    const source = new Readable({
      read() {
        pulled += 16_384;
        this.push(text(16_384, pulled));
      },
    });
    const encoder = createGzipEncoder({ blockSize, concurrency });
    source.pipe(encoder); // nobody reads the encoder
    await new Promise((resolve) => setTimeout(resolve, 500));
    source.destroy();
    encoder.destroy();
    // blocks in flight, one being filled, plus the stream buffers (16 KiB each side by default)
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan((concurrency + 2) * blockSize + 4 * 16_384);
  });
});

describe('gzip encoder options', () => {
  it('rejects a level outside 0–9, a block size under 64 KiB and a zero concurrency', () => {
    expect(() => createGzipEncoder({ level: 10 })).toThrow(RangeError);
    expect(() => createGzipEncoder({ blockSize: 1000 })).toThrow(RangeError);
    expect(() => createGzipEncoder({ concurrency: 0 })).toThrow(RangeError);
  });
});
