/** A FileTree over an indexed tar: each file is read by byte range, links resolve inside the archive. */
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import type { FileRange } from './byte-reader.js';
import { archivePath, indexTar, type TarEntry } from './tar-index.js';
import { failedStream, type FileTree } from './tree.js';

const MAX_LINKS = 40;

export class TarTree implements FileTree {
  private constructor(
    readonly label: string,
    private readonly file: string,
    private readonly entries: Map<string, TarEntry>,
  ) {}

  /** Index the tar; a link whose target leaves the archive is refused, as `docker load` does. */
  static async open(file: string, label: string): Promise<TarTree> {
    const entries = await indexTar(file, label);
    for (const entry of entries.values()) {
      if ((entry.type === 'symlink' || entry.type === 'hardlink') && linkTarget(entry) === undefined) {
        throw new InputError(`${label}: ${entry.name} links outside the archive (${entry.linkname ?? ''})`);
      }
    }
    return new TarTree(label, file, entries);
  }

  /** Every entry name in the archive. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  size(path: string): number | undefined {
    return this.range(path)?.length;
  }

  stream(path: string, start = 0, length?: number): Readable {
    const entry = this.resolve(path);
    if (!entry) return failedStream(new InputError(`${this.label}: ${path} is missing`));
    const len = Math.min(length ?? entry.size, entry.size - start);
    if (len <= 0) return Readable.from([]);
    return createReadStream(this.file, { start: entry.offset + start, end: entry.offset + start + len - 1 });
  }

  range(path: string): FileRange | undefined {
    const entry = this.resolve(path);
    return entry ? { file: this.file, start: entry.offset, length: entry.size } : undefined;
  }

  list(dir: string): string[] {
    const prefix = `${dir}/`;
    return [...this.entries.keys()].filter(
      (n) => n.startsWith(prefix) && !n.slice(prefix.length).includes('/') && this.resolve(n) !== undefined,
    );
  }

  /** The regular-file entry `path` leads to, following symlinks and hard links inside the archive. */
  private resolve(path: string): TarEntry | undefined {
    let entry = this.entries.get(path);
    const seen = new Set<string>();
    while (entry && (entry.type === 'symlink' || entry.type === 'hardlink')) {
      if (seen.has(entry.name) || seen.size >= MAX_LINKS) {
        throw new InputError(`${this.label}: link loop at ${path}`);
      }
      seen.add(entry.name);
      const target = linkTarget(entry); // never outside the archive: open() refused such links
      entry = target === undefined ? undefined : this.entries.get(target);
    }
    return entry?.type === 'file' ? entry : undefined;
  }
}

/** Where a link points, as an archive path: symlinks are relative to their directory, hard links to the root. */
function linkTarget(entry: TarEntry): string | undefined {
  const link = entry.linkname ?? '';
  if (entry.type === 'hardlink' || link.startsWith('/')) return archivePath(link);
  return archivePath(posix.join(posix.dirname(entry.name), link));
}
