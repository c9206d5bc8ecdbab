/**
 * What every ECR call needs (client, repository, registry, abort signal, event sink), and the
 * small pieces our own retries share: which failures are worth another attempt, and an abortable
 * backoff with jitter.
 */
import type { EventSink } from '../events.js';
import type { EcrSender } from './client.js';

export interface Transport {
  client: EcrSender;
  repositoryName: string;
  registryId?: string;
  signal?: AbortSignal;
  onEvent: EventSink;
}

/** `{ repositoryName, registryId? }`, the part of every ECR input that names the repository. */
export function repoInput(t: Transport): { repositoryName: string; registryId?: string } {
  return t.registryId ? { repositoryName: t.repositoryName, registryId: t.registryId } : { repositoryName: t.repositoryName };
}

/** Options for `client.send`: the abort signal, when there is one. */
export function sendOptions(t: Transport): { abortSignal?: AbortSignal } {
  return t.signal ? { abortSignal: t.signal } : {};
}

export function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : 'Error';
}

const TRANSIENT_NAMES = new Set([
  'ServerException', 'ThrottlingException', 'LimitExceededException', 'InternalFailure',
  'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ECONNREFUSED', 'EAI_AGAIN']);

/** A failure that another attempt of the same request may not have: reset, timeout, 5xx, throttling. */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (TRANSIENT_NAMES.has(e.name ?? '') || TRANSIENT_CODES.has(e.code ?? '')) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

export interface Backoff {
  /** First delay in ms (default 250); doubles per attempt up to `capMs`. */
  baseMs?: number;
  capMs?: number;
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(attempt: number, b: Backoff = {}): number {
  const exp = Math.min(b.capMs ?? 5_000, (b.baseMs ?? 250) * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** Wait `ms`, or reject as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
