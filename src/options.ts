/** Options of the library API, shared by push(), retag() and inspect(). */
import type { Readable } from 'node:stream';
import type { EventSink } from './events.js';
import type { SelectOptions } from './image/types.js';

/** How to reach ECR. Everything is optional: the SDK's default chain fills the rest. */
export interface AwsOptions {
  region?: string;
  profile?: string;
  /** 12-digit account id of the registry (default: the caller's account, or the one in the destination host). */
  registryId?: string;
  /** Custom endpoint, used exactly as given (also read from AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL by the SDK). */
  endpointUrl?: string;
  /** SDK attempts per request, throttling and 5xx included (default 3). */
  maxAttempts?: number;
  /**
   * Seconds a request may go without a byte sent or received before it is given up as a timeout
   * (and retried like any network error); default 120. A part still being handed to the network
   * counts as progress; its last few MiB, in the kernel's send buffer, do not.
   */
  requestTimeout?: number;
}

export type Compression = 'auto' | 'gzip' | 'none';

export interface PushOptions extends AwsOptions, SelectOptions {
  /** A path to an OCI layout directory or an archive, or `-` for standard input. */
  source: string;
  /** `repo`, `repo:tag`, `repo@sha256:...`, or `ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag]`. */
  destination: string;
  /** Extra tags (`-t`), one PutImage each. */
  tags?: string[];
  createRepository?: boolean;
  /** Bytes per UploadLayerPart; default 20 MiB or the smaller partSize ECR returns. */
  partSize?: number;
  /** Blobs uploaded at once (default 4). Memory bound: (concurrency + 1) part bodies of about 4/3 × partSize. */
  concurrency?: number;
  compression?: Compression;
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: EventSink;
  /** Standard input, when source is `-` (default process.stdin). */
  stdin?: Readable;
  /** Where compressed-layer digests are remembered between pushes (default: the user cache dir). */
  cacheDir?: string;
  /**
   * Images of the destination repository (tags or sha256 digests) whose layers a push may find
   * its own among when the compression cache does not know them, besides the images its tags
   * name (an earlier build under a tag of its own).
   */
  layersFrom?: string[];
}

export interface RetagOptions extends AwsOptions {
  /** `repo:tag` or `repo@sha256:...` (or the full registry host form). */
  reference: string;
  tags: string[];
  signal?: AbortSignal;
  onEvent?: EventSink;
}

export interface InspectOptions extends SelectOptions {
  source: string;
  stdin?: Readable;
  signal?: AbortSignal;
}
