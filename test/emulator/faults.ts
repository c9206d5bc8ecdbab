/** Fault injection: which call fails next, and how, decided from the faults tests added. */
import type { Fault, FaultKind } from './types.js';

/** A failure to inject (every kind but latency, which adds to whatever else happens). */
export type Failure = Exclude<FaultKind, { latencyMs: number }>;

export interface Injection {
  /** Added delay before the call is answered. */
  latencyMs: number;
  failure?: Failure;
}

interface Entry {
  fault: Fault;
  /** Injections left; undefined means no limit. */
  remaining?: number;
}

export class Faults {
  private entries: Entry[] = [];
  private injectedCount = 0;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  add(fault: Fault): void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new RangeError(`fault.times must be a positive integer, got ${fault.times}`);
    }
    if (fault.probability !== undefined && !(fault.probability >= 0 && fault.probability <= 1)) {
      throw new RangeError(`fault.probability must be within 0..1, got ${fault.probability}`);
    }
    this.entries.push({ fault, remaining: fault.times });
  }

  clear(): void {
    this.entries = [];
  }

  get injected(): number {
    return this.injectedCount;
  }

  /** What to do to this call: latencies add up, the first failure that fires wins. */
  pick(call: string): Injection {
    const result: Injection = { latencyMs: 0 };
    for (const entry of [...this.entries]) {
      const { fault } = entry;
      if (fault.call !== undefined && fault.call !== call) continue;
      if ('latencyMs' in fault.kind) {
        if (!this.fires(entry)) continue;
        result.latencyMs += fault.kind.latencyMs;
      } else {
        if (result.failure || !this.fires(entry)) continue;
        result.failure = fault.kind;
      }
    }
    return result;
  }

  /** Rolls the dice for one matching call and uses up one of the fault's `times` when it fires. */
  private fires(entry: Entry): boolean {
    if (entry.fault.probability !== undefined && this.random() >= entry.fault.probability) return false;
    if (entry.remaining !== undefined && --entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
    this.injectedCount++;
    return true;
  }
}

/** A small seeded generator, so a test with `probability` fails the same calls every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
