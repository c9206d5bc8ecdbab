/** A FileTree over a directory (an OCI layout) that never reads outside that directory. */
import { createReadStream, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import type { FileRange } from './byte-reader.js';
import { archivePath } from './tar-index.js';
import { asInputError, failedStream, type FileTree } from './tree.js';

export class DirTree implements FileTree {
  private readonly root: string;

  constructor(
    dir: string,
    readonly label: string,
  ) {
    this.root = realpathSync(dir);
  }

  size(path: string): number | undefined {
    return this.range(path)?.length;
  }

  stream(path: string, start = 0, length?: number): Readable {
    const real = this.real(path);
    if (real === undefined) return failedStream(new InputError(`${this.label}: ${path} is missing`));
    const end = length === undefined ? undefined : start + length - 1;
    if (end !== undefined && end < start) return Readable.from([]);
    return createReadStream(real, { start, end });
  }

  range(path: string): FileRange | undefined {
    const real = this.real(path);
    const st = real === undefined ? undefined : statSync(real);
    return real !== undefined && st?.isFile() ? { file: real, start: 0, length: st.size } : undefined;
  }

  list(dir: string): string[] {
    const real = this.real(dir);
    if (real === undefined) return [];
    return readdirSync(real)
      .map((name) => `${dir}/${name}`)
      .filter((p) => this.size(p) !== undefined);
  }

  /** The real path of `path` when it exists and stays inside the layout (symlinks included). */
  private real(path: string): string | undefined {
    const rel = archivePath(path);
    if (rel === undefined) return undefined;
    let real: string;
    try {
      real = realpathSync(join(this.root, rel));
    } catch (err) {
      // Absent is undefined; anything else (a folder that may not be read) is said as it is.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw asInputError(err, `${this.label} (${path})`);
    }
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw new InputError(`${this.label}: ${path} points outside the layout directory`);
    }
    return real;
  }
}
