/** The emulator's public contract: what tests and the standalone runner build on. */

/**
 * A repository's imageTagMutability. In the *_WITH_EXCLUSION modes, tags matching one of the
 * repository's exclusion filters (wildcards) behave the other way.
 */
export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'MUTABLE_WITH_EXCLUSION' | 'IMMUTABLE_WITH_EXCLUSION';
export type AbsentLayerMode = 'UNAVAILABLE' | 'MissingLayerDigest';

export interface EmulatorOptions {
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Default 'us-east-1'. */
  region?: string;
  /** The registryId. Default '123456789012'. */
  accountId?: string;
  /** What InitiateLayerUpload returns and the largest part accepted. Default 20971520. */
  partSize?: number;
  /**
   * Smallest size of a part that is not the last (LayerPartTooSmallException at Complete).
   * Default 5 MiB; an upload whose partSize is smaller uses that partSize instead.
   */
  minPartSize?: number;
  /** How BatchCheckLayerAvailability reports a layer the repository lacks. Default 'UNAVAILABLE'. */
  absentLayers?: AbsentLayerMode;
  repositories?: { name: string; imageTagMutability?: TagMutability; exclusionFilters?: string[] }[];
  /** Default: a fresh temp dir, removed on stop(). A given dir is kept. */
  dataDir?: string;
  /** Seed of the random numbers behind probabilistic faults. Default 1. */
  seed?: number;
}

export interface CallRecord {
  /** Operation name, e.g. 'UploadLayerPart'. */
  call: string;
  repository?: string;
  /** Decoded layerPartBlob bytes for UploadLayerPart. */
  bytes?: number;
  partFirstByte?: number;
  partLastByte?: number;
  imageTag?: string;
  imageDigest?: string;
  /** HTTP status sent (0 when the connection was reset instead). */
  status: number;
  /** Exception name when it failed (injected or real). */
  error?: string;
  /** True when the failure came from fault injection. */
  injected?: boolean;
  /** Milliseconds from the request's arrival to the answer, body reading included. */
  ms?: number;
  /** Milliseconds spent after the body was in (parse, decode, hash, store; injected latency included). */
  handlingMs?: number;
}

export type FaultKind =
  | { exception: string; message?: string; fields?: Record<string, unknown> }
  | { http500: true }
  | { reset: true }
  | { latencyMs: number };

export interface Fault {
  /** Operation name; undefined matches every ECR API call. */
  call?: string;
  /** Fail the next N matching calls, then the fault is dropped. */
  times?: number;
  /** Or fail this fraction of matching calls (seeded RNG). Neither set: every matching call. */
  probability?: number;
  kind: FaultKind;
}

export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  endpoint: string;
  /** '127.0.0.1:PORT' (registry read side for skopeo). */
  registryHost: string;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL_ECR. */
  env: Record<string, string>;
  calls: CallRecord[];
  addFault(f: Fault): void;
  clearFaults(): void;
  faultStats(): { injected: number };
  /** `exclusionFilters`: the wildcard filters of a *_WITH_EXCLUSION mode. */
  createRepository(name: string, mutability?: TagMutability, exclusionFilters?: string[]): void;
  /**
   * Drops a repository with its images, and deletes the files of the blobs no other repository
   * holds (as DeleteRepository with force does; not an API call here).
   */
  removeRepository(name: string): Promise<void>;
  setPartSize(n: number): void;
  setAbsentLayers(mode: AbsentLayerMode): void;
  /** Read back state for assertions. */
  blobDigests(repository: string): string[];
  /** tag -> manifest digest */
  tags(repository: string): Record<string, string>;
  stop(): Promise<void>;
}
