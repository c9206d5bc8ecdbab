/**
 * The body buffers every blob upload of a push shares: a fixed number, lent one at a time, so peak
 * memory is `count × bodyBufferSize(partSize)` however many blobs are in flight. A buffer holds
 * one part from its read until its UploadLayerPart has settled.
 *
 * Each upload holds at most two (the part being sent and the next one read ahead) and asks for
 * the second only while its first is being sent, which needs no buffer to finish: waiting never
 * deadlocks. Waiters are served in order.
 */
import { bodyBufferSize } from './part-body.js';

export class BodyBuffers {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buffer: Buffer) => void)[] = [];
  private made = 0;

  /** `count` buffers at most, each made on first need. */
  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`body buffer count must be a positive integer, got ${count}`);
  }

  /** A buffer for parts of up to `partSize` bytes, when one is free. */
  async take(partSize: number, signal?: AbortSignal): Promise<Buffer> {
    const size = bodyBufferSize(partSize);
    const buffer = this.free.pop() ?? (this.made < this.count ? (this.made++, undefined) : await this.wait(signal));
    return buffer !== undefined && buffer.length >= size ? buffer : Buffer.allocUnsafeSlow(size);
  }

  /** Give a buffer back: to the first waiter, else to the free list. */
  give(buffer: Buffer): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(buffer);
    else this.free.push(buffer);
  }

  private wait(signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        const i = this.waiting.indexOf(served);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      const served = (buffer: Buffer): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(buffer);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(served);
    });
  }
}
