import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { asInputError } from '../../src/image/tree.js';

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
