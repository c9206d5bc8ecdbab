import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BufferPool, parseInput, readBody } from './body.js';

/** Feeds `body` to readBody in chunks of `size`, as an HTTP server would deliver it. */
async function feed(body: Buffer, size: number, headers: Record<string, string> = { 'content-length': String(body.length) }) {
  const pool = new BufferPool();
  const req = Object.assign(new EventEmitter(), { headers });
  const reading = readBody(req as unknown as IncomingMessage, pool);
  for (let o = 0; o < body.length; o += size) req.emit('data', body.subarray(o, o + size));
  req.emit('end');
  return reading;
}

function partBody(blob: Buffer, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ repositoryName: 'r', uploadId: 'u', partFirstByte: 0, partLastByte: blob.length - 1, layerPartBlob: blob.toString('base64'), ...extra }));
}

function cpuMs(f: () => unknown): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('request body reading', () => {
  it('decodes layerPartBlob and keeps the other members, however the body is split into chunks', async () => {
    const blob = randomBytes(20_003);
    const body = partBody(blob, { registryId: '123456789012' });
    for (const size of [1, 2, 3, 5, 7, 4096, 65_536, body.length]) {
      const got = await feed(body, size);
      const input = parseInput(got);
      expect((input.layerPartBlob as Buffer).equals(blob), `chunks of ${size}`).toBe(true);
      expect(input).toMatchObject({ repositoryName: 'r', uploadId: 'u', partLastByte: 20_002, registryId: '123456789012' });
      expect(got.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
  });

  it('decodes a blob sent without Content-Length (chunked transfer)', async () => {
    const blob = randomBytes(3 * 1024 * 1024 + 1);
    const input = parseInput(await feed(partBody(blob), 65_536, {}));
    expect((input.layerPartBlob as Buffer).equals(blob)).toBe(true);
  });

  it('finds the blob wherever it sits in the object and with spaces around the colon', async () => {
    const blob = Buffer.from('hello blob');
    const body = Buffer.from(`{ "uploadId": "u", "layerPartBlob" :  "${blob.toString('base64')}" , "repositoryName":"r" }`);
    const input = parseInput(await feed(body, 3));
    expect((input.layerPartBlob as Buffer).toString()).toBe('hello blob');
    expect(input.repositoryName).toBe('r');
  });

  it('refuses base64 that is not base64 with SerializationException once the body is read', async () => {
    for (const text of ['abc', 'ab!d', 'YQ==YWJj', 'YW\\/j']) {
      const body = Buffer.from(`{"layerPartBlob":"${text}"}`);
      await expect(feed(body, 2), text).rejects.toMatchObject({ type: 'SerializationException' });
    }
  });

  it('refuses a body that is not a JSON object with SerializationException', async () => {
    for (const text of ['[1]', '{"a":', 'null']) {
      expect(() => parseInput({ json: Buffer.from(text) }), text).toThrow(expect.objectContaining({ type: 'SerializationException' }));
    }
  });

  it('reads a 20 MiB part (27 MiB of JSON) within a small multiple of the time one sha256 of it takes', async () => {
    const blob = randomBytes(20 * 1024 * 1024);
    const body = partBody(blob);
    const pool = new BufferPool();
    const best = (f: () => unknown) => Math.min(...[0, 1, 2, 3].map(() => cpuMs(f)));
    const hashOnce = best(() => createHash('sha256').update(body).digest());
    const chunks: Buffer[] = [];
    for (let o = 0; o < body.length; o += 65_536) chunks.push(body.subarray(o, o + 65_536));
    let read = Infinity;
    for (let i = 0; i < 4; i++) {
      const req = Object.assign(new EventEmitter(), { headers: { 'content-length': String(body.length) } });
      const reading = readBody(req as unknown as IncomingMessage, pool);
      read = Math.min(read, cpuMs(() => {
        for (const c of chunks) req.emit('data', c);
        req.emit('end');
      }));
      const got = await reading;
      expect(got.blob!.length).toBe(blob.length);
      pool.release(got.blob);
    }
    // Reading hashes the body once and decodes it; a JSON.parse of the body alone costs ~10 hashes.
    expect(read).toBeLessThan(Math.max(5 * hashOnce, 60));
  });
});
