import { cpSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openSource } from '../../src/image/open.js';
import { selectImage } from '../../src/image/select.js';
import { asInputError } from '../../src/image/tree.js';
import { fixture } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

describe('file-system errors while reading a source', () => {
  it('become one-line input errors naming the source (exit 3, not a crash)', () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open 'image.tar'"), { code: 'EACCES', syscall: 'open' });
    const err = asInputError(eacces, 'image.tar');
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe("image.tar: cannot read (EACCES: permission denied, open 'image.tar')");
  });

  it('leave other errors (aborts, bugs) unchanged', () => {
    const abort = new DOMException('aborted', 'AbortError');
    const bug = new TypeError('x is undefined');
    expect(asInputError(abort, 'image.tar')).toBe(abort);
    expect(asInputError(bug, 'image.tar')).toBe(bug);
  });
});

describe('a layout blob that cannot be reached', () => {
  it('is reported with the reason, not as missing, when the file system refuses it (e.g. a symlink loop)', async () => {
    const copy = join(scratchDir('unreachable-blob'), 'layout');
    cpSync(fixture('oci-layout'), copy, { recursive: true });
    const blobs = join(copy, 'blobs', 'sha256');
    rmSync(blobs, { recursive: true });
    symlinkSync('sha256', blobs); // a loop: blobs/sha256 → blobs/sha256
    const open = async () => {
      const source = await openSource(copy);
      try {
        await selectImage(source, {});
      } finally {
        await source.close();
      }
    };
    await expect(open()).rejects.toThrow(/blobs\/sha256\/[0-9a-f]{64}\): cannot read \(ELOOP/);
  });
});
