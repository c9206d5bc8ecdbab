import { describe, expect, it } from 'vitest';
import { BodyBuffers } from '../../src/ecr/body-buffers.js';
import { bodyBufferSize } from '../../src/ecr/part-body.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the body buffers a push shares', () => {
  it('lends at most its count of buffers; the next taker waits for one to come back, in order', async () => {
    const pool = new BodyBuffers(2);
    const a = await pool.take(1000);
    const b = await pool.take(1000);
    expect(a).not.toBe(b);
    const order: string[] = [];
    const third = pool.take(1000).then((buf) => (order.push('third'), buf));
    const fourth = pool.take(1000).then((buf) => (order.push('fourth'), buf));
    await tick();
    expect(order).toEqual([]);
    pool.give(b);
    expect(await third).toBe(b);
    pool.give(a);
    expect(await fourth).toBe(a);
    expect(order).toEqual(['third', 'fourth']);
  });

  it('gives each buffer room for the whole body of a part of the asked size', async () => {
    const pool = new BodyBuffers(1);
    const small = await pool.take(10);
    expect(small.length).toBe(bodyBufferSize(10));
    pool.give(small);
    expect((await pool.take(5 * 1024 * 1024)).length).toBe(bodyBufferSize(5 * 1024 * 1024));
  });

  it('stops a waiting taker when the push is aborted', async () => {
    const pool = new BodyBuffers(1);
    await pool.take(10);
    const controller = new AbortController();
    const waiting = pool.take(10, controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
  });
});
