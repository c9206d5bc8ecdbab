/** Digest strings: validation before they become paths. Hashing bytes is in hashing.ts. */
import { InputError } from '../errors.js';

const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** The digest, or an InputError naming where the bad value was found. Never touches the file system. */
export function checkDigest(value: unknown, where: string): string {
  if (isDigest(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value);
  throw new InputError(`${where}: invalid digest ${shown}`);
}

/** `blobs/<alg>/<hex>` of an OCI layout; the digest must already be valid. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/** The digest a `blobs/<alg>/<hex>` path names, if it names one. */
export function digestOfBlobPath(path: string): string | undefined {
  const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  const digest = m ? `${m[1]}:${m[2]}` : undefined;
  return isDigest(digest) ? digest : undefined;
}
