/**
 * The emulator's worker threads for part work (part-work.ts). An upload keeps to one worker, so
 * its parts are hashed and appended in the order they were accepted; part bodies go to whichever
 * worker has the fewest tasks waiting.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { Outcome, Task } from './part-work.js';

type Pending = { resolve: (o: Outcome) => void; reject: (e: Error) => void };

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Why the thread is gone, once it is: later tasks fail at once instead of waiting forever. */
  gone?: Error;
}

/** Two threads on a 2-core machine, up to four on bigger ones. */
const THREADS = Math.min(4, Math.max(2, availableParallelism()));

let workerCode: string | undefined;

/**
 * The worker's code as one script. Worker threads cannot load TypeScript, so part-worker.ts is
 * bundled with esbuild once per process, whatever runs the emulator (vitest, tsx).
 */
function code(): string {
  workerCode ??= buildSync({
    entryPoints: [fileURLToPath(new URL('./part-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
  }).outputFiles[0]!.text;
  return workerCode;
}

export class PartWorkers {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private nextUpload = 0;

  /** Starts the threads; resolves once each is running. */
  async start(): Promise<void> {
    const script = code();
    for (let i = 0; i < THREADS; i++) {
      const thread: Thread = { worker: new Worker(script, { eval: true }), pending: new Map() };
      thread.worker.on('message', (m: { id: number; outcome?: Outcome; error?: string }) => {
        const p = thread.pending.get(m.id);
        thread.pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.outcome!);
      });
      thread.worker.on('error', (e) => this.failAll(thread, e));
      thread.worker.on('exit', () => this.failAll(thread, new Error('emulator worker stopped')));
      this.threads.push(thread);
    }
    await Promise.all(this.threads.map((t) => new Promise((resolve) => t.worker.once('online', resolve))));
    // Like the server's sockets, idle threads alone do not keep a process alive.
    for (const t of this.threads) t.worker.unref();
  }

  /** The thread a new upload keeps to. */
  assignUpload(): number {
    return this.nextUpload++ % this.threads.length;
  }

  /** Runs a task on the given thread, or on the least busy one. */
  run<K extends Task['kind']>(task: Extract<Task, { kind: K }>, thread?: number): Promise<Extract<Outcome, { kind: K }>> {
    const t = thread !== undefined ? this.threads[thread]! : this.threads.reduce((a, b) => (a.gone || (!b.gone && b.pending.size < a.pending.size) ? b : a));
    if (t.gone) return Promise.reject(t.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      t.pending.set(id, { resolve: resolve as (o: Outcome) => void, reject });
      t.worker.postMessage({ id, task });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private failAll(thread: Thread, error: Error): void {
    thread.gone ??= error;
    for (const p of thread.pending.values()) p.reject(error);
    thread.pending.clear();
  }
}
