/**
 * GetDownloadUrlForLayer and the URLs it hands out. ECR answers with a presigned Amazon S3 URL
 * that serves the blob to a plain GET, with no AWS signature, for a limited time; the emulator
 * answers with a URL of its own that does the same for an hour. As ECR does, it gives URLs only
 * for blobs an image of the repository references (config or layer).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, invalidParameter } from './errors.js';
import { requiredString } from './input.js';
import { parseManifest } from './manifest.js';
import { sendBlob } from './registry.js';
import { SHA256_DIGEST, type Repository, type State } from './state.js';

export const DOWNLOAD_PATH = '/layer-download/';
const LIFETIME_MS = 60 * 60 * 1000;

/** Whether an image of the repository references the blob (as its config or a layer). */
function referenced(repo: Repository, digest: string): boolean {
  return [...repo.images.values()].some((image) => {
    const parsed = parseManifest(image.bytes.toString('utf8'), image.mediaType);
    return parsed.kind === 'manifest' && parsed.references.some((r) => r.digest === digest);
  });
}

export class Downloads {
  private readonly grants = new Map<string, { digest: string; expires: number }>();

  constructor(private readonly state: State) {}

  getDownloadUrlForLayer(input: Record<string, unknown>): unknown {
    const repo = this.state.repository(input);
    const layerDigest = requiredString(input, 'layerDigest');
    if (!SHA256_DIGEST.test(layerDigest)) throw invalidParameter(`Invalid parameter at 'layerDigest' failed to satisfy constraint: 'must be a sha256 digest'`);
    if (!repo.blobs.has(layerDigest)) {
      throw new AwsError('LayersNotFoundException', `The specified layer ${layerDigest} could not be found in the repository '${repo.name}'`);
    }
    if (!referenced(repo, layerDigest)) {
      throw new AwsError('LayerInaccessibleException', `The specified layer ${layerDigest} is not associated with an image`);
    }
    const token = randomBytes(24).toString('hex');
    this.grants.set(token, { digest: layerDigest, expires: Date.now() + LIFETIME_MS });
    return { downloadUrl: `${this.state.settings.endpoint}${DOWNLOAD_PATH}${token}`, layerDigest };
  }

  /** GET of a URL handed out above: the blob, or 403 once it has expired or for an unknown one. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    const token = new URL(req.url ?? '/', 'http://emulator').pathname.slice(DOWNLOAD_PATH.length);
    const grant = this.grants.get(token);
    const size = grant && this.state.blobSizes.get(grant.digest);
    if (req.method !== 'GET' || !grant || grant.expires < Date.now() || size === undefined) {
      res.writeHead(403, { 'Content-Type': 'application/xml' });
      return void res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired or is not valid</Message></Error>');
    }
    sendBlob(this.state, grant.digest, size, req, res);
  }
}
