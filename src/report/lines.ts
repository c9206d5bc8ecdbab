/** One line of text per event, shared by the plain and the terminal reporter. */
import type { PushEvent } from '../events.js';
import { formatBytes, formatRate, formatSeconds, oneLine, shortDigest } from './format.js';

type EventOf<T extends PushEvent['type']> = Extract<PushEvent, { type: T }>;

export function planLine(e: EventOf<'plan'>): string {
  const tags = e.tags.length > 0 ? `:${e.tags.join(', :')}` : '';
  const manifests = e.manifests === 1 ? '1 manifest' : `${e.manifests} manifests`;
  const what = `${e.blobs} blobs (${formatBytes(e.totalBytes)}) and ${manifests} to ${e.repository}${tags}`;
  return oneLine(e.dryRun ? `dry run, nothing is uploaded or put: checking ${what}` : `pushing ${what}`);
}

/** A blob by its source digest, and by the digest ECR holds it under when that differs. */
function blobName(e: { digest: string; sentAs?: string }): string {
  return `${shortDigest(e.digest)}${e.sentAs === undefined ? '' : ` as ${shortDigest(e.sentAs)}`}`;
}

export function skippedLine(e: EventOf<'blob-skipped'>): string {
  return `skipped ${blobName(e)} ${formatBytes(e.size)} (already in the repository)`;
}

export function compressingLine(e: EventOf<'blob-compressing'>): string {
  return `compressing ${shortDigest(e.digest)} ${formatBytes(e.size)} first, to see whether ECR has it`;
}

export function startLine(e: EventOf<'blob-start'>): string {
  return `uploading ${shortDigest(e.digest)}${e.size === undefined ? '' : ` ${formatBytes(e.size)}`}`;
}

export function progressText(done: number, size: number | undefined, elapsedMs: number): string {
  const total = size === undefined ? '' : `/${formatBytes(size)}`;
  const percent = size ? ` ${Math.floor((done * 100) / size)}%` : '';
  const rate = done > 0 ? formatRate(done, elapsedMs) : '';
  return `${formatBytes(done)}${total}${percent}${rate ? ` ${rate}` : ''}`;
}

/** `uploaded <digest> [as <digest in ECR>] <size> in <time> (<rate>)`, or the skipped form. */
export function doneLine(e: EventOf<'blob-done'>, elapsedMs: number | undefined): string {
  const what = `${blobName(e)} ${formatBytes(e.size)}`;
  if (e.alreadyExisted) return `skipped ${what} (already in the repository)`;
  const timing = elapsedMs === undefined ? '' : ` in ${formatSeconds(elapsedMs)} (${formatRate(e.size, elapsedMs) || 'instant'})`;
  return `uploaded ${what}${timing}`;
}

export function manifestLine(e: EventOf<'manifest'>): string {
  const what = e.status === 'pushed' ? 'put' : 'unchanged';
  const tag = e.tag === undefined ? '' : ` tag ${oneLine(e.tag)}`;
  return `manifest ${shortDigest(e.digest)}${tag} ${what}`;
}

export function requestLine(e: EventOf<'request'>): string {
  const parts = [`request ${e.call}`, `attempt ${e.attempt}`];
  if (e.status !== undefined) parts.push(`status ${e.status}`);
  if (e.requestId !== undefined) parts.push(`id ${e.requestId}`);
  parts.push(`${e.ms}ms`);
  if (e.error !== undefined) parts.push(`error ${e.error}`);
  return oneLine(parts.join(' '));
}

export function retryLine(e: EventOf<'retry'>): string {
  return oneLine(`retry ${e.what} (attempt ${e.attempt}, in ${e.delayMs}ms): ${e.reason}`);
}
