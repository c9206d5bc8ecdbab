/** Validation of the numeric and enumerated push options, before anything is opened. */
import { UsageError } from '../errors.js';
import type { Compression } from '../options.js';
import { MAX_PART_SIZE, MIN_PART_SIZE } from '../ecr/part-limits.js';

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 32;

export function validConcurrency(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${value}`);
  }
  return value;
}

export function validPartSize(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < MIN_PART_SIZE || value > MAX_PART_SIZE) {
    throw new UsageError(`--part-size must be from ${MIN_PART_SIZE} (5 MiB) to ${MAX_PART_SIZE} (20 MiB) bytes, got ${value}`);
  }
  return value;
}

export function validCompression(value: string | undefined): Compression {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'gzip' || value === 'none') return value;
  throw new UsageError(`--compression must be auto, gzip or none, got "${value}"`);
}

export const DEFAULT_REQUEST_TIMEOUT = 120;
const MAX_REQUEST_TIMEOUT = 3600;

export function validRequestTimeout(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_REQUEST_TIMEOUT) {
    throw new UsageError(`--request-timeout must be a whole number of seconds from 1 to ${MAX_REQUEST_TIMEOUT}, got ${value}`);
  }
  return value;
}

export function validMaxAttempts(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 20) {
    throw new UsageError(`--max-attempts must be a whole number from 1 to 20, got ${value}`);
  }
  return value;
}
