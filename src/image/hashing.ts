/** Hashing bytes: the sha256 of a manifest, and verification of a blob's bytes as they are read. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../errors.js';

function hasherFor(digest: string): Hash {
  return createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Counts and hashes a blob's bytes as they are read; names the blob and the file in the
 * InputError it returns when the total size or the digest is not the expected one.
 */
export class BlobVerifier {
  private readonly hash: Hash;
  private seen = 0;

  constructor(
    private readonly expected: { digest: string; size: number },
    private readonly file: string,
  ) {
    this.hash = hasherFor(expected.digest);
  }

  /** Take the next bytes; an error as soon as there are more than expected. */
  update(chunk: Uint8Array): InputError | undefined {
    this.seen += chunk.length;
    if (this.seen > this.expected.size) return this.mismatch(`is larger than the expected ${this.expected.size} bytes`);
    this.hash.update(chunk);
    return undefined;
  }

  /** After the last byte: an error unless size and digest are the expected ones. */
  finish(): InputError | undefined {
    if (this.seen !== this.expected.size) return this.mismatch(`has ${this.seen} bytes, expected ${this.expected.size}`);
    const [alg] = this.expected.digest.split(':');
    const actual = `${alg}:${this.hash.digest('hex')}`;
    return actual === this.expected.digest ? undefined : this.mismatch(`does not match its digest (content hashes to ${actual})`);
  }

  private mismatch(problem: string): InputError {
    return new InputError(`blob ${this.expected.digest} in ${this.file} ${problem}`, { problem: 'damaged' });
  }
}

/** Passes bytes through a BlobVerifier; the stream fails with its error. */
export class VerifyStream extends Transform {
  constructor(private readonly verifier: BlobVerifier) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const err = this.verifier.update(chunk);
    if (err) done(err);
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.verifier.finish() ?? null);
  }
}
