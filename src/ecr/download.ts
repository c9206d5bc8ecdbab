/**
 * A small blob ECR holds, read back: GetDownloadUrlForLayer answers with a presigned URL (Amazon
 * S3) that serves the blob to a plain GET, without AWS credentials. Only image configs are read
 * this way, and only for the work they may save, so every failure (the call denied, the URL
 * unreachable, a blob over the limit or not of its digest) answers undefined.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { sha256 } from '../image/hashing.js';
import { repoInput, sendOptions, type Transport } from './transport.js';

/**
 * How long the GET may take, all told. A runner that reaches ECR's API through a VPC endpoint but
 * has no route to Amazon S3 (push-only setups need none) must not wait long for a URL it cannot
 * reach: the push goes on without what the blob would have saved.
 */
export const DOWNLOAD_DEADLINE_MS = 3_000;

/** The body of a 200 response, at most `maxBytes` of it; undefined for anything else. */
function bodyOf(res: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (res.statusCode !== 200) {
      res.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        return resolve(undefined);
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', () => resolve(undefined));
    res.on('close', () => resolve(undefined)); // after 'end' a no-op; otherwise the body was cut off
  });
}

/** The body GET gives for `url`, or undefined past `maxBytes`, on a status other than 200, past the deadline, or on any error. */
async function download(url: URL, maxBytes: number, signal: AbortSignal | undefined, deadlineMs: number): Promise<Buffer | undefined> {
  const get = url.protocol === 'https:' ? httpsGet : url.protocol === 'http:' ? httpGet : undefined;
  if (!get) return undefined;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const deadline = setTimeout(stop, deadlineMs);
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const req = get(url, { signal: controller.signal }, (res) => void bodyOf(res, maxBytes).then(resolve));
      req.on('error', () => resolve(undefined));
    });
  } catch {
    return undefined;
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', stop);
  }
}

/** The blob `digest` (sha256) of the repository, when ECR lets it be read and it is at most `maxBytes`. */
export async function readStoredBlob(t: Transport, digest: string, maxBytes: number, deadlineMs = DOWNLOAD_DEADLINE_MS): Promise<Buffer | undefined> {
  if (!digest.startsWith('sha256:')) return undefined;
  let url: URL;
  try {
    const { GetDownloadUrlForLayerCommand } = await import('./sdk.js');
    const out = await t.client.send(new GetDownloadUrlForLayerCommand({ ...repoInput(t), layerDigest: digest }), sendOptions(t));
    if (!out.downloadUrl) return undefined;
    url = new URL(out.downloadUrl);
  } catch {
    t.signal?.throwIfAborted();
    return undefined;
  }
  const bytes = await download(url, maxBytes, t.signal, deadlineMs);
  t.signal?.throwIfAborted();
  return bytes && sha256(bytes) === digest ? bytes : undefined;
}
