/**
 * What a push tells the outside world while it runs (events) and when it ends (result).
 * The library emits these; src/report/ turns them into TTY progress, plain CI lines or JSON.
 */
import type { Platform } from './image/types.js';

export type PushEvent =
  /** Source opened and the plan made: how many blobs and manifests take part (`dryRun`: none will be sent). */
  | { type: 'plan'; repository: string; registryId?: string; tags: string[]; blobs: number; manifests: number; totalBytes: number; dryRun?: boolean }
  /** A blob ECR already has; `sentAs` as for blob-done. */
  | { type: 'blob-skipped'; digest: string; size: number; sentAs?: string }
  /**
   * A layer is compressed without being sent, to learn whether ECR has it already (compressing
   * ahead, on a runner whose compression cache does not know it); `size` is the uncompressed
   * size. A blob-skipped or a blob-start of the same digest follows.
   */
  | { type: 'blob-compressing'; digest: string; size: number }
  /** A blob upload begins (size is the bytes to send, when known). */
  | { type: 'blob-start'; digest: string; size?: number }
  /** Bytes of one blob confirmed by ECR so far. A retry may make `done` go down. */
  | { type: 'blob-progress'; digest: string; done: number; size?: number }
  /**
   * A blob is uploaded and its digest confirmed by ECR. `sentAs`: the digest ECR holds it under,
   * when that is not `digest` (a layer gzipped on the way; `digest` is the source's).
   */
  | { type: 'blob-done'; digest: string; size: number; alreadyExisted: boolean; sentAs?: string }
  /** A manifest was put (or was already there). */
  | { type: 'manifest'; digest: string; mediaType: string; tag?: string; status: 'pushed' | 'unchanged' }
  /** One AWS request finished (logged with -v). Never carries credentials or signatures. */
  | { type: 'request'; call: string; attempt: number; requestId?: string; status?: number; error?: string; ms: number }
  /** A retry that our own code made (part re-sent, upload resumed or restarted). */
  | { type: 'retry'; what: string; attempt: number; reason: string; delayMs: number }
  /** Free text for the log (what the tool decided: chosen tag, dry-run notes, ...). */
  | { type: 'info'; message: string };

export type PushStatus = 'pushed' | 'unchanged' | 'dry-run' | 'error';

export interface PushResult {
  status: PushStatus;
  repository: string;
  registryId?: string;
  tags: string[];
  /** Digest of the root manifest (index or manifest) as ECR stores it. */
  digest?: string;
  mediaType?: string;
  /** REGISTRY/REPO@sha256:... */
  imageUri?: string;
  blobs: { total: number; uploaded: number; skipped: number; bytesUploaded: number };
  manifests: { digest: string; mediaType: string; platform?: Platform }[];
  error?: { name: string; exitCode: number; message: string };
}

export type EventSink = (event: PushEvent) => void;
