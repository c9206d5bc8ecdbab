/**
 * What the machine charges for writing into memory it has not used lately. A server stores every
 * blob it receives, so each GiB pushed is a GiB written into the page cache. On a virtual machine
 * whose host takes idle guest memory back (free page reporting), the first write to such memory
 * costs far more kernel CPU than a write into memory just freed; both servers of the benchmark
 * pay it for every blob they store, and it is part of their CPU columns.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { measure, type Sample } from './measure.js';

export interface FreshMemoryCost {
  mib: number;
  idleSeconds: number;
  /** `dd` of `mib` MiB into a new file after the machine sat idle. */
  afterIdle: Sample;
  /** The same, right after a file of that size was deleted. */
  afterFree: Sample;
}

export async function freshMemoryCost(workDir: string, mib: number, idleSeconds = 8): Promise<FreshMemoryCost> {
  const file = join(workDir, 'fresh-memory.bin');
  const write = (): Promise<Sample> => measure('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'status=none']);
  try {
    await rm(file, { force: true });
    await sleep(idleSeconds * 1000);
    const afterIdle = await write();
    await rm(file);
    const afterFree = await write();
    return { mib, idleSeconds, afterIdle, afterFree };
  } finally {
    await rm(file, { force: true });
  }
}
