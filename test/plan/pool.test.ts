import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/plan/pool.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the upload worker pool', () => {
  it('never runs more jobs at once than it has workers, and runs every job', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, undefined, async (n) => {
      most = Math.max(most, ++running);
      await tick(5);
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('aborts the other jobs on the first failure, waits for them, then throws that first failure', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const run = runPool([1, 2, 3, 4, 5], 2, undefined, async (n, signal) => {
      started.push(n);
      if (n === 1) throw new Error('blob 1 failed');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      finished.push(n);
    });
    await expect(run).rejects.toThrow('blob 1 failed');
    expect(finished).toEqual([2]);
    expect(started).toEqual([1, 2]);
  });

  it("stops taking jobs once the caller's signal aborts, and throws its reason", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = runPool([1, 2, 3, 4], 1, controller.signal, async (n) => {
      seen.push(n);
      if (n === 2) controller.abort(new Error('interrupted'));
    });
    await expect(run).rejects.toThrow('interrupted');
    expect(seen).toEqual([1, 2]);
  });
});
