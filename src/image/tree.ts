/**
 * A read-only view of the files of an image source (a directory or an indexed tar), so readers of
 * the formats never care which one they are looking at.
 */
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import type { FileRange } from './byte-reader.js';

export interface FileTree {
  /** Names the source in messages: the path the user gave, or `standard input`. */
  readonly label: string;
  /** Size of a regular file (links followed), or undefined when there is none at `path`. */
  size(path: string): number | undefined;
  /** Stream `length` bytes from `start` of the file (default: all of it). */
  stream(path: string, start?: number, length?: number): Readable;
  /** Where the file's bytes are on disk (links followed), or undefined when there is no file at `path`. */
  range(path: string): FileRange | undefined;
  /** Every regular file path directly under `dir` (links followed). */
  list(dir: string): string[];
}

/** Read a small file whole, or an InputError when it is missing or larger than `max` bytes. */
export async function readSmall(tree: FileTree, path: string, max = 16 * 1024 * 1024): Promise<Buffer> {
  const size = tree.size(path);
  if (size === undefined) throw new InputError(`${tree.label}: ${path} is missing`);
  if (size > max) throw new InputError(`${tree.label}: ${path} is ${size} bytes, too large for metadata`);
  return collect(tree.stream(path));
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parse JSON, or an InputError saying where the bad JSON was. */
export function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InputError(`${where} is not valid JSON (${(err as Error).message})`);
  }
}

/** Parse a JSON file of the source, or an InputError naming the file. */
export async function readJson(tree: FileTree, path: string): Promise<unknown> {
  return parseJson(await readSmall(tree, path), `${tree.label}: ${path}`);
}

/** A stream that fails with `err` as soon as it is read. */
export function failedStream(err: Error): Readable {
  return new Readable({
    read() {
      this.destroy(err);
    },
  });
}

/**
 * A file-system error (EACCES, EIO, ...) becomes an InputError naming the source (a path that
 * does not exist is a `path` problem); others pass unchanged.
 */
export function asInputError(err: unknown, label: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || e instanceof InputError || typeof e.syscall !== 'string') return err;
  const absent = e.code === 'ENOENT' || e.code === 'ENOTDIR';
  return new InputError(`${label}: cannot read (${e.message.split('\n')[0]})`, { cause: e, ...(absent ? { problem: 'path' as const } : {}) });
}
