/**
 * openSource(): read any supported local image into the one ImageSource model. Nothing is
 * extracted; tars are indexed and read by byte range. Compressed archives and standard input are
 * first copied (decompressed) into a private temporary file that close() removes.
 */
import { createReadStream, fstat, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { treeBlobStore } from './blob-store.js';
import { detectCompression, fileHead, peek, spool, type Compression } from './compression.js';
import { blobPath } from './digest.js';
import { DirTree } from './dir-tree.js';
import { readDockerOciImages } from './docker-oci.js';
import { readLegacyImages, type BlobPaths } from './docker-legacy.js';
import { readManifestJson } from './docker-manifest-json.js';
import { isCompressedType } from './media-types.js';
import { readIndexJson, readOciImages } from './oci-layout.js';
import { looksLikeTar } from './tar-index.js';
import { TarTree } from './tar-tree.js';
import type { TempFile } from './tempfile.js';
import { asInputError, type FileTree } from './tree.js';
import type { ImageNode, ImageSource, OpenOptions, SourceFormat, SourceImage } from './types.js';

export type { OpenOptions };

const HEAD = 512;

export async function openSource(location: string, opts: OpenOptions & { stdin?: Readable } = {}): Promise<ImageSource> {
  try {
    return await openLocation(location, opts);
  } catch (err) {
    throw asInputError(err, location === '-' ? 'standard input' : location);
  }
}

async function openLocation(location: string, opts: OpenOptions & { stdin?: Readable }): Promise<ImageSource> {
  if (location === '-') {
    const stdin = opts.stdin ?? process.stdin;
    if ((stdin as { isTTY?: boolean }).isTTY) {
      throw new InputError('standard input is a terminal, not an image archive; pipe one in, e.g. docker save app | ecr-push - REPO:TAG');
    }
    if (stdin === process.stdin && (await fstatOf(0))?.isCharacterDevice()) throw deviceError('standard input');
    return openStream(stdin, 'standard input', '-', opts);
  }
  const st = await stat(location).catch(() => undefined);
  if (!st) throw new InputError(`${location}: no such file or directory`, { problem: 'path' });
  if (st.isDirectory()) return readTree(new DirTree(location, location), 'dir', location);
  if (st.isCharacterDevice()) throw deviceError(location);
  // A pipe such as `<(xz -dc image.tar.xz)` can be read once only: copy it like standard input.
  if (!st.isFile()) return openStream(createReadStream(location), location, location, opts);
  if (st.size === 0) throw new InputError(`${location} is an empty file, not an image archive`);
  const head = await fileHead(location, HEAD);
  const kind = detectCompression(head);
  if (!kind) return openTar(location, location, location);
  const temp = await spool(Buffer.alloc(0), createReadStream(location), kind, location, opts);
  return openTar(temp.path, location, location, kind, temp);
}

/**
 * A character device (/dev/zero, /dev/urandom, a terminal) is refused before it is read: it may
 * never end, and it would be copied into a temporary file until the disk is full.
 */
function deviceError(label: string): InputError {
  return new InputError(`${label} is a character device, not an image archive`, { problem: 'path' });
}

function fstatOf(fd: number): Promise<Stats | undefined> {
  return new Promise((resolve) => fstat(fd, (err, st) => resolve(err ? undefined : st)));
}

/** Standard input or a pipe: copied (decompressed) once into a private temporary file. */
async function openStream(stream: Readable, label: string, location: string, opts: OpenOptions): Promise<ImageSource> {
  const { head, rest } = await peek(stream, 6);
  if (head.length === 0) throw new InputError(`${label} is empty, not an image archive`);
  const kind = detectCompression(head);
  const temp = await spool(head, rest, kind, label, opts);
  return openTar(temp.path, label, location, kind, temp);
}

async function openTar(file: string, label: string, location: string, compression?: Compression, temp?: TempFile): Promise<ImageSource> {
  try {
    if (!looksLikeTar(await fileHead(file, HEAD))) {
      throw compression
        ? new InputError(`the ${compression}-decompressed content of ${label} is not a tar archive`)
        : new InputError(`${label} is not a tar archive, a compressed tar or an OCI layout directory`, { problem: 'path' });
    }
    const source = await readTree(await TarTree.open(file, label), 'tar', location, temp);
    return compression ? { ...source, compression } : source;
  } catch (err) {
    temp?.remove();
    throw err;
  }
}

function hasCompressedLayers(node: ImageNode): boolean {
  return node.kind === 'index' || node.layers.some((l) => isCompressedType(l.mediaType));
}

/** The error for a tar without index.json or manifest.json, pointing at a folder that has them. */
function notAnImage(tree: FileTree): InputError {
  const nested = tree instanceof TarTree ? tree.names().find((n) => /^[^/]+\/(index|manifest)\.json$/.test(n)) : undefined;
  if (!nested) return new InputError(`${tree.label} is a tar archive but not an image (no index.json or manifest.json)`, { problem: 'path' });
  const folder = nested.slice(0, nested.indexOf('/'));
  return new InputError(`${tree.label} holds the image inside the folder ${folder}/; make the archive from inside it, e.g. tar -C ${folder} -cf image.tar .`);
}

async function readTree(tree: FileTree, kind: 'dir' | 'tar', location: string, temp?: TempFile): Promise<ImageSource> {
  const has = (p: string): boolean => tree.size(p) !== undefined;
  const paths: BlobPaths = new Map();
  const blobs = treeBlobStore(tree, (d) => paths.get(d) ?? blobPath(d));
  let format: SourceFormat;
  let images: SourceImage[];
  if (kind === 'dir') {
    if (!has('oci-layout')) throw new InputError(`${tree.label} is not an OCI image layout (no oci-layout file)`);
    format = 'oci-layout';
    images = await readOciImages(tree, blobs, await readIndexJson(tree));
  } else if (has('manifest.json') && has('index.json')) {
    images = await readDockerOciImages(tree, blobs, await readIndexJson(tree), await readManifestJson(tree), paths);
    format = images.some((i) => hasCompressedLayers(i.root)) ? 'containerd-archive' : 'docker-archive-oci';
  } else if (has('manifest.json')) {
    format = 'docker-archive';
    images = await readLegacyImages(tree, await readManifestJson(tree), paths);
  } else if (has('index.json')) {
    format = 'oci-archive';
    images = await readOciImages(tree, blobs, await readIndexJson(tree));
  } else if (has('repositories')) {
    throw new InputError(`${tree.label} is a docker save archive from before Docker 1.10 (no manifest.json), which cannot be pushed; save it again with a newer Docker`);
  } else {
    throw notAnImage(tree);
  }
  if (images.length === 0) throw new InputError(`${tree.label} holds no images`);
  return {
    format,
    location,
    images,
    blobs,
    close: async () => temp?.remove(),
  };
}
