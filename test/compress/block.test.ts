import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { bitsPerByte, encodeBlock, MEM_LEVEL } from '../../src/compress/block.js';
import { noise, text } from './data.js';

describe('block encoder', () => {
  it('rates random bytes near 8 bits per byte and text far below, so only text is deflated', () => {
    expect(bitsPerByte(noise(32_768))).toBeGreaterThan(7.92);
    expect(bitsPerByte(text(32_768))).toBeLessThan(6);
    expect(bitsPerByte(Buffer.alloc(1000))).toBe(0);
  });

  it('a final block decodes on its own as a complete raw deflate stream', async () => {
    for (const data of [text(300_000), noise(300_000), Buffer.alloc(0)]) {
      const out = Buffer.concat(await encodeBlock({ data, dictionary: Buffer.alloc(0), final: true, level: 6 }));
      expect(zlib.inflateRawSync(out).equals(data)).toBe(true);
    }
  });

  it('a block deflated against the previous bytes as dictionary decodes after them', async () => {
    const before = text(40_000, 5);
    const data = Buffer.concat([before.subarray(10_000), text(200_000, 9)]);
    const first = await encodeBlock({ data: before, dictionary: Buffer.alloc(0), final: false, level: 6 });
    const second = await encodeBlock({ data, dictionary: before.subarray(-32_768), final: true, level: 6 });
    const joined = Buffer.concat([...first, ...second]);
    expect(zlib.inflateRawSync(joined).equals(Buffer.concat([before, data]))).toBe(true);
    const alone = Buffer.concat(await encodeBlock({ data, dictionary: Buffer.alloc(0), final: true, level: 6 }));
    expect(Buffer.concat(second).length).toBeLessThan(alone.length);
  });

  it('a block that deflates far larger than its sampled slices predict is still whole and the same bytes', async () => {
    // Text where the probe samples (8 slices spread over the block) look; between them, random
    // half-bytes, which deflate only to about 60 %.
    const data = Buffer.from(noise(1024 * 1024, 3).map((b) => b & 0x0f));
    const stride = Math.floor((data.length - 4096) / 7);
    for (let i = 0; i < 8; i++) text(4096, i).copy(data, i * stride);
    const out = Buffer.concat(await encodeBlock({ data, dictionary: Buffer.alloc(0), final: true, level: 1 }));
    expect(out.length).toBeGreaterThan(data.length * 0.5);
    expect(zlib.inflateRawSync(out).equals(data)).toBe(true);
    expect(out.equals(zlib.deflateRawSync(data, { level: 1, memLevel: MEM_LEVEL }))).toBe(true);
  });

  it('a text block is exactly zlib\'s deflate of it, against the same dictionary', async () => {
    const dictionary = text(32_768, 2);
    const data = text(1024 * 1024, 4);
    const out = Buffer.concat(await encodeBlock({ data, dictionary, final: false, level: 1 }));
    expect(out.equals(zlib.deflateRawSync(data, { level: 1, memLevel: MEM_LEVEL, finishFlush: zlib.constants.Z_SYNC_FLUSH, dictionary }))).toBe(true);
  });
});
