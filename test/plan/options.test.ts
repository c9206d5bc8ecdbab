import { describe, expect, it } from 'vitest';
import { validCompression, validConcurrency, validMaxAttempts, validPartSize } from '../../src/plan/options.js';

const MiB = 1024 * 1024;

describe('push option validation', () => {
  it('defaults to 4 blobs at once and auto compression', () => {
    expect(validConcurrency(undefined)).toBe(4);
    expect(validCompression(undefined)).toBe('auto');
  });

  it.each([0, -1, 1.5, 33])('refuses --concurrency %s as a usage error', (n) => {
    expect(() => validConcurrency(n)).toThrowError(expect.objectContaining({ name: 'UsageError' }));
  });

  it('accepts part sizes from 5 MiB to 20 MiB only, since ECR refuses smaller non-final parts and larger parts', () => {
    expect(validPartSize(5 * MiB)).toBe(5 * MiB);
    expect(validPartSize(20 * MiB)).toBe(20 * MiB);
    expect(() => validPartSize(5 * MiB - 1)).toThrow(/5 MiB/);
    expect(() => validPartSize(20 * MiB + 1)).toThrow(/20 MiB/);
  });

  it('refuses an unknown compression and a max-attempts outside 1-20', () => {
    expect(() => validCompression('zstd')).toThrow(/auto, gzip or none/);
    expect(() => validMaxAttempts(0)).toThrow(/1 to 20/);
    expect(validMaxAttempts(5)).toBe(5);
  });
});
