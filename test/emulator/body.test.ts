import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, parseInput, receiveBody } from './body.js';
import { PartWork, hashAndDecode } from './part-work.js';
import { PartWorkers } from './workers.js';

let workers: PartWorkers;
beforeAll(async () => {
  workers = new PartWorkers();
  await workers.start();
});
afterAll(() => workers.stop());

/** Feeds `body` to receiveBody in chunks of `size`, as an HTTP server would deliver it. */
async function feed(body: Buffer, size: number, headers: Record<string, string> = { 'content-length': String(body.length) }) {
  const req = Object.assign(new EventEmitter(), { headers, complete: false });
  const reading = receiveBody(req as unknown as IncomingMessage, new BufferPool(), workers);
  for (let o = 0; o < body.length; o += size) req.emit('data', body.subarray(o, o + size));
  req.complete = true;
  req.emit('end');
  return reading;
}

function partBody(blob: Buffer, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ repositoryName: 'r', uploadId: 'u', partFirstByte: 0, partLastByte: blob.length - 1, layerPartBlob: blob.toString('base64'), ...extra }));
}

describe('request body reading', () => {
  it('decodes layerPartBlob on a worker and keeps the other members, however the body is split into chunks', async () => {
    const blob = randomBytes(20_003);
    const body = partBody(blob, { registryId: '123456789012' });
    for (const size of [1, 3, 7, 4096, 65_536, body.length]) {
      const got = await feed(body, size);
      const input = parseInput(got);
      expect((input.layerPartBlob as Buffer).equals(blob), `chunks of ${size}`).toBe(true);
      expect(input).toMatchObject({ repositoryName: 'r', uploadId: 'u', partLastByte: 20_002, registryId: '123456789012' });
      expect(got.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(got.problem).toBeUndefined();
    }
  });

  it('hashes a body without a blob as it came', async () => {
    const body = Buffer.from('{"repositoryName":"r","layerDigests":["sha256:00"]}');
    const got = await feed(body, 5);
    expect(got.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(parseInput(got)).toEqual({ repositoryName: 'r', layerDigests: ['sha256:00'] });
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

  it('names base64 that is not base64 as the problem to answer, with the body hash still right', async () => {
    for (const text of ['abc', 'ab!d', 'YQ==YWJj', 'YW\\/j', '-_-_']) {
      const body = Buffer.from(`{"layerPartBlob":"${text}"}`);
      const got = await feed(body, 2);
      expect(got.problem, text).toMatch(/layerPartBlob/);
      expect(got.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
    const truncated = await feed(Buffer.from('{"layerPartBlob":"YWJj'), 4);
    expect(truncated.problem).toMatch(/Unterminated/);
  });

  it('refuses a body that is not a JSON object with SerializationException', async () => {
    for (const text of ['[1]', '{"a":', 'null']) {
      expect(() => parseInput({ json: Buffer.from(text) }), text).toThrow(expect.objectContaining({ type: 'SerializationException' }));
    }
  });
});

describe('body buffer pool', () => {
  it('gives a part body a few bytes longer than the last one the same buffer, and small bodies buffers of their own', () => {
    const pool = new BufferPool();
    const first = pool.acquire(27_962_166);
    pool.release(first.subarray(0, 27_962_166));
    const second = pool.acquire(27_962_174);
    expect(second.buffer).toBe(first.buffer);
    pool.release(second);
    expect(pool.acquire(300).buffer).not.toBe(first.buffer);
  });

  it('keeps a large part buffer even when smaller parts filled it first, so 20 MiB parts after 5 MiB ones reuse memory', () => {
    const pool = new BufferPool(2);
    const small = [pool.acquire(7 * 1024 * 1024), pool.acquire(7 * 1024 * 1024)];
    const large = pool.acquire(27_962_166);
    for (const b of small) pool.release(b);
    pool.release(large);
    expect(pool.acquire(27_962_174).buffer).toBe(large.buffer);
    expect(pool.acquire(7 * 1024 * 1024).buffer).toBe(small[1]!.buffer);
  });
});

describe('part work', () => {
  /** A body whose layerPartBlob string holds `text`, and where that string starts. */
  const withBlob = (text: string | Buffer) => {
    const body = Buffer.concat([Buffer.from('{"uploadId":"u","layerPartBlob":"'), Buffer.from(text), Buffer.from('"}')]);
    return { body, blobStart: body.indexOf('"layerPartBlob":"') + '"layerPartBlob":"'.length };
  };

  it('decodes in place and hashes the body as it came: the bytes come out right where the text was', () => {
    for (const size of [0, 1, 300_001]) { // several 64 KiB slices, and padding at the end
      const blob = randomBytes(size);
      const { body, blobStart } = withBlob(blob.toString('base64'));
      const sent = createHash('sha256').update(body).digest('hex');
      const got = hashAndDecode(body, blobStart);
      expect(got, `${size} bytes`).toEqual({ sha256: sent, blobEnd: body.length - 2, written: size });
      expect(body.subarray(blobStart, blobStart + size).equals(blob)).toBe(true);
    }
  });

  it('refuses padding before the last slice, and still hashes the whole body', () => {
    const { body, blobStart } = withBlob(`${'A'.repeat(65_532)}YQ==${'A'.repeat(8)}`);
    const sent = createHash('sha256').update(body).digest('hex');
    expect(hashAndDecode(body, blobStart)).toMatchObject({ sha256: sent, problem: expect.stringMatching(/Invalid base64/) });
  });

  it('finds the closing quote in a later slice than the first', () => {
    const blob = randomBytes(200_000);
    const { body, blobStart } = withBlob(blob.toString('base64'));
    expect(hashAndDecode(body, blobStart)).toMatchObject({ blobEnd: body.length - 2, written: blob.length });
  });

  it('refuses the URL-safe alphabet, as ECR does, in the first slice and in a later one', () => {
    for (const [at, char] of [[10, '-'], [65_536 + 100, '_']] as const) {
      const chars = Buffer.from(randomBytes(150_000).toString('base64'));
      chars[at] = char.charCodeAt(0);
      const { body, blobStart } = withBlob(chars);
      expect(hashAndDecode(body, blobStart)).toMatchObject({ problem: 'Invalid base64 in layerPartBlob' });
    }
  });

  it("keeps an upload's running sha256 and file across parts, and forgets it once digested", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'part-work-'));
    try {
      const work = new PartWork();
      const path = join(dir, 'upload');
      const parts = [randomBytes(1000), randomBytes(7)];
      for (const data of parts) work.run({ kind: 'append', upload: 'u1', path, data });
      const whole = Buffer.concat(parts);
      expect(work.run({ kind: 'digest', upload: 'u1' })).toEqual({ kind: 'digest', sha256: createHash('sha256').update(whole).digest('hex') });
      expect((await readFile(path)).equals(whole)).toBe(true);
      expect(work.run({ kind: 'digest', upload: 'u1' })).toEqual({ kind: 'digest', sha256: createHash('sha256').digest('hex') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
