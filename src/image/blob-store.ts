/** BlobStore over a FileTree: each open() streams the blob's bytes, verified while they are read. */
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { checkDigest, isDigest, VerifyStream } from './digest.js';
import { asInputError, collect, failedStream, type FileTree } from './tree.js';
import type { BlobStore, Descriptor } from './types.js';

/** Where each blob lives in the tree; undefined when the source does not hold it. */
export type BlobLocator = (digest: string) => string | undefined;

type BlobRef = Pick<Descriptor, 'digest' | 'size'>;

/** Largest blob read() accepts whole (manifests and configs; layers are streamed). */
const MAX_READ = 64 * 1024 * 1024;

export function treeBlobStore(tree: FileTree, locate: BlobLocator): BlobStore {
  const where = (path: string): string => `${tree.label} (${path})`;

  function open(desc: BlobRef): Readable {
    try {
      const digest = checkDigest(desc.digest, tree.label);
      const path = locate(digest);
      const size = path === undefined ? undefined : tree.size(path);
      if (path === undefined || size === undefined) {
        throw new InputError(`blob ${digest} is missing from ${tree.label}`);
      }
      if (size !== desc.size) {
        throw new InputError(`blob ${digest} in ${where(path)} has ${size} bytes, expected ${desc.size}`);
      }
      const verify = new VerifyStream({ digest, size }, where(path));
      const raw = tree.stream(path);
      raw.on('error', (err) => verify.destroy(asInputError(err, where(path)) as Error));
      return raw.pipe(verify);
    } catch (err) {
      return failedStream(err as Error);
    }
  }

  return {
    has: (digest) => {
      const path = isDigest(digest) ? locate(digest) : undefined;
      return path !== undefined && tree.size(path) !== undefined;
    },
    open,
    read: async (desc) => {
      if (desc.size > MAX_READ) {
        throw new InputError(`blob ${desc.digest} in ${tree.label} is ${desc.size} bytes, too large to read whole`);
      }
      return collect(open(desc));
    },
  };
}
