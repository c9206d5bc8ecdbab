/**
 * The one model every image source is read into. Push code only ever sees these types and never
 * asks which on-disk format an image came from.
 */
import type { Readable } from 'node:stream';
import type { ByteReader } from './byte-reader.js';

/** OCI platform, as in an image index descriptor. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** OCI content descriptor. `digest` is always validated (`sha256:` + 64 hex or `sha512:` + 128 hex). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

/** An image manifest (OCI or Docker v2 schema 2) with the blobs it references. */
export interface ManifestNode {
  kind: 'manifest';
  /** Points at `bytes`: media type (from the manifest, else from the parent descriptor), digest, size. */
  descriptor: Descriptor;
  /** The manifest bytes exactly as they are hashed. Built by the reader for legacy docker-save. */
  bytes: Buffer;
  /** True when the source had no manifest and the reader built one (legacy docker save). */
  synthesized: boolean;
  config: Descriptor;
  layers: Descriptor[];
  /** `rootfs.diff_ids` from the config; empty when the config is not an image config (artifacts). */
  diffIds: string[];
  platform?: Platform;
  /** Digests this manifest references that the source does not hold. Non-empty: not pushable. */
  missing: string[];
}

/** An image index or Docker manifest list. */
export interface IndexNode {
  kind: 'index';
  descriptor: Descriptor;
  bytes: Buffer;
  /** Children present in the source, in the index's order. */
  children: ImageNode[];
  /** Child descriptors whose manifests are absent from the source (other platforms not exported). */
  absent: Descriptor[];
}

export type ImageNode = ManifestNode | IndexNode;

/** One image a source offers: an index.json entry, or a docker-save manifest.json entry. */
export interface SourceImage {
  /** 1-based position in the source, usable as `--image 2`. */
  position: number;
  /** References the source names it by (RepoTags, `org.opencontainers.image.ref.name`, ...). */
  tags: string[];
  root: ImageNode;
}

export type SourceFormat =
  | 'oci-layout'
  | 'oci-archive'
  | 'docker-archive'
  | 'docker-archive-oci'
  | 'containerd-archive';

/** Where blob bytes come from. Each open() reads afresh; nothing is held in memory. */
export interface BlobStore {
  /** True when the source holds a blob with this digest. */
  has(digest: string): boolean;
  /** Throws the InputError a read would when the blob is missing or not `size` bytes; reads nothing. */
  check(desc: Pick<Descriptor, 'digest' | 'size'>): void;
  /**
   * Stream the blob. The stream fails with an InputError naming the blob and the file when the
   * bytes do not match `size` or `digest`; verification happens while the bytes are read.
   */
  open(desc: Pick<Descriptor, 'digest' | 'size'>): Readable;
  /**
   * The same bytes read into the caller's buffers, verified the same way: the read that reaches
   * the end fails with that InputError instead of returning the last bytes. With `verify: false`
   * only the size is checked (before reading): for a caller whose bytes are checked against the
   * digest elsewhere, as ECR does at CompleteLayerUpload.
   */
  reader(desc: Pick<Descriptor, 'digest' | 'size'>, opts?: { verify?: boolean }): ByteReader;
  /** Read a small blob (manifest, config) whole, verified. */
  read(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer>;
}

export interface ImageSource {
  format: SourceFormat;
  /** What the user named: a path, or `-` for standard input. */
  location: string;
  /** Compression the archive itself was wrapped in (`docker save | gzip`), if any. */
  compression?: 'gzip' | 'bzip2' | 'xz' | 'zstd';
  images: SourceImage[];
  blobs: BlobStore;
  /** Release file handles and remove temporary files. Safe to call more than once. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Directory for the private temporary file used for compressed archives and stdin. */
  tmpDir?: string;
  signal?: AbortSignal;
}

export interface SelectOptions {
  /** `--image`: a tag found in the source, or a 1-based position. */
  image?: string;
  /** `--platform os/arch[/variant]`: push only this platform's manifest. */
  platform?: string;
}
