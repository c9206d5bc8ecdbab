/**
 * BlobStore over a FileTree: each open() streams the blob's bytes and each reader() reads them
 * into the caller's buffers, both verified (size and digest) while they are read.
 */
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { fileRangeReader, type ByteReader, type FileRange } from './byte-reader.js';
import { checkDigest, isDigest } from './digest.js';
import { BlobVerifier, VerifyStream } from './hashing.js';
import { asInputError, collect, failedStream, type FileTree } from './tree.js';
import type { BlobStore, Descriptor } from './types.js';

/** Where each blob lives in the tree; undefined when the source does not hold it. */
export type BlobLocator = (digest: string) => string | undefined;

type BlobRef = Pick<Descriptor, 'digest' | 'size'>;

/** Largest blob read() accepts whole (manifests and configs; layers are streamed). */
const MAX_READ = 64 * 1024 * 1024;

/** A reader whose first read fails with `err`. */
function failedReader(err: unknown): ByteReader {
  return { read: () => Promise.reject(err), close: () => Promise.resolve() };
}

export function treeBlobStore(tree: FileTree, locate: BlobLocator): BlobStore {
  const where = (path: string): string => `${tree.label} (${path})`;

  /** The blob's file and a verifier for it, or an InputError when it is missing or the wrong size. */
  function find(desc: BlobRef): { path: string; range: FileRange; verifier: BlobVerifier } {
    const digest = checkDigest(desc.digest, tree.label);
    const path = locate(digest);
    const range = path === undefined ? undefined : tree.range(path);
    if (path === undefined || range === undefined) {
      throw new InputError(`blob ${digest} is missing from ${tree.label}`);
    }
    if (range.length !== desc.size) {
      throw new InputError(`blob ${digest} in ${where(path)} has ${range.length} bytes, expected ${desc.size}`, { problem: 'damaged' });
    }
    return { path, range, verifier: new BlobVerifier({ digest, size: desc.size }, where(path)) };
  }

  function open(desc: BlobRef): Readable {
    try {
      const { path, verifier } = find(desc);
      const verify = new VerifyStream(verifier);
      const raw = tree.stream(path);
      raw.on('error', (err) => verify.destroy(asInputError(err, where(path)) as Error));
      return raw.pipe(verify);
    } catch (err) {
      return failedStream(err as Error);
    }
  }

  function reader(desc: BlobRef, opts: { verify?: boolean } = {}): ByteReader {
    try {
      const { path, range, verifier } = find(desc);
      return fileRangeReader(range, opts.verify === false ? undefined : verifier, where(path));
    } catch (err) {
      return failedReader(err);
    }
  }

  return {
    check: (desc) => void find(desc),
    has: (digest) => {
      const path = isDigest(digest) ? locate(digest) : undefined;
      return path !== undefined && tree.size(path) !== undefined;
    },
    open,
    reader,
    read: async (desc) => {
      if (desc.size > MAX_READ) {
        throw new InputError(`blob ${desc.digest} in ${tree.label} is ${desc.size} bytes, too large to read whole`);
      }
      return collect(open(desc));
    },
  };
}
