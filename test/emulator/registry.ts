/**
 * The read side of the registry HTTP API (distribution spec), enough for `skopeo copy` to pull
 * what was pushed: GET /v2/, manifests by tag or digest, blobs streamed from disk. No auth.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { State } from './state.js';

const ROUTE = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/;

export function serveRegistry(state: State, req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
  if (req.method !== 'GET' && req.method !== 'HEAD') return registryError(res, 405, 'UNSUPPORTED', 'The operation is unsupported.');
  const path = new URL(req.url ?? '/', 'http://registry').pathname;
  if (path === '/v2/' || path === '/v2') return send(req, res, 200, 'application/json', Buffer.from('{}'));
  const route = ROUTE.exec(path);
  if (!route) return registryError(res, 404, 'NOT_FOUND', 'not found');
  const [, name, kind, ref] = route as unknown as [string, string, string, string];
  const repo = state.repositories.get(name);
  if (!repo) return registryError(res, 404, 'NAME_UNKNOWN', `repository name not known to registry: ${name}`);
  if (kind === 'manifests') {
    const image = repo.images.get(ref.includes(':') ? ref : (repo.tags.get(ref) ?? ''));
    if (!image) return registryError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${ref}`);
    res.setHeader('Docker-Content-Digest', image.digest);
    return send(req, res, 200, image.mediaType, image.bytes);
  }
  const size = state.blobSizes.get(ref);
  if (!repo.blobs.has(ref) || size === undefined) return registryError(res, 404, 'BLOB_UNKNOWN', `blob unknown to registry: ${ref}`);
  sendBlob(state, ref, size, req, res);
}

/** A stored blob as the answer to GET (streamed from disk) or HEAD. */
export function sendBlob(state: State, digest: string, size: number, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': size,
    'Docker-Content-Digest': digest,
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(state.blobPath(digest))
    .on('error', () => res.destroy())
    .pipe(res);
}

function send(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function registryError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = Buffer.from(JSON.stringify({ errors: [{ code, message }] }));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}
