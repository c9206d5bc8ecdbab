/**
 * A small blob ECR holds, read back: GetDownloadUrlForLayer answers with a presigned URL (Amazon
 * S3) that serves the blob to a plain GET, without AWS credentials. Only image configs are read
 * this way, and only for the work they may save, so every failure (the call denied, the URL
 * unreachable, a blob over the limit or not of its digest) answers undefined.
 */
import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { repoInput, sendOptions, type Transport } from './transport.js';

const TIMEOUT_MS = 20_000;

/** The response body, or undefined past `maxBytes`, on a status other than 200, or on any error. */
function download(url: URL, maxBytes: number, signal?: AbortSignal): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const get = url.protocol === 'https:' ? httpsGet : url.protocol === 'http:' ? httpGet : undefined;
    if (!get) return resolve(undefined);
    const req = get(url, { timeout: TIMEOUT_MS, ...(signal ? { signal } : {}) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(undefined);
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          return resolve(undefined);
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** The blob `digest` (sha256) of the repository, when ECR lets it be read and it is at most `maxBytes`. */
export async function readStoredBlob(t: Transport, digest: string, maxBytes: number): Promise<Buffer | undefined> {
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
  const bytes = await download(url, maxBytes, t.signal);
  t.signal?.throwIfAborted();
  return bytes && `sha256:${createHash('sha256').update(bytes).digest('hex')}` === digest ? bytes : undefined;
}
