/**
 * Follows the events of a push so that a failure or an interruption can still say what was done
 * (and so that `--json` prints the same object shape on failure as on success).
 */
import type { PushEvent, PushResult } from '../events.js';

export class ProgressTracker {
  repository?: string;
  registryId?: string;
  tags: string[] = [];
  readonly blobs = { total: 0, uploaded: 0, skipped: 0, bytesUploaded: 0 };
  readonly manifests: PushResult['manifests'] = [];
  /** Tags that were put, in order. */
  readonly tagsPut: string[] = [];
  /** A PutImage cut off by the interruption: ECR may have applied it all the same. */
  putCutOff = false;
  /** The manifest the tags were put on (the image's root), once one was. */
  private taggedDigest?: { digest: string; mediaType: string };

  readonly onEvent = (event: PushEvent): void => {
    switch (event.type) {
      case 'plan':
        this.repository = event.repository;
        this.registryId = event.registryId;
        this.tags = [...event.tags];
        this.blobs.total = event.blobs;
        break;
      case 'blob-skipped':
        this.blobs.skipped += 1;
        break;
      case 'blob-done':
        if (event.alreadyExisted) {
          this.blobs.skipped += 1;
        } else {
          this.blobs.uploaded += 1;
          this.blobs.bytesUploaded += event.size;
        }
        break;
      case 'request':
        if (event.call === 'PutImage' && event.error === 'AbortError') this.putCutOff = true;
        break;
      case 'manifest':
        if (!this.manifests.some((m) => m.digest === event.digest)) {
          this.manifests.push({ digest: event.digest, mediaType: event.mediaType });
        }
        if (event.tag !== undefined) {
          this.tagsPut.push(event.tag);
          this.taggedDigest = { digest: event.digest, mediaType: event.mediaType };
        }
        break;
      default:
        break;
    }
  };

  /**
   * The result object for a run that ended with `error`: `tags` lists the tags put before it
   * stopped. `named` is what the command line named (used when the library failed before
   * reporting its plan).
   */
  failed(error: NonNullable<PushResult['error']>, named: { repository: string; registryId?: string }): PushResult {
    const registryId = this.registryId ?? named.registryId;
    return {
      status: 'error',
      repository: this.repository ?? named.repository,
      ...(registryId === undefined ? {} : { registryId }),
      tags: [...this.tagsPut],
      ...this.taggedDigest,
      blobs: { ...this.blobs },
      manifests: [...this.manifests],
      error,
    };
  }

  /** One clause saying what was done before the run stopped, e.g. `2 of 5 blobs uploaded (3.1 MiB), 1 skipped`. */
  summary(formatBytes: (n: number) => string): string {
    const { total, uploaded, skipped, bytesUploaded } = this.blobs;
    if (this.repository === undefined) return 'nothing was sent';
    const parts = [`${uploaded} of ${total} blobs uploaded (${formatBytes(bytesUploaded)})`];
    if (skipped > 0) parts.push(`${skipped} already present`);
    parts.push(this.tagsPut.length > 0 ? `tags put: ${this.tagsPut.join(', ')}` : this.putCutOff ? 'no PutImage finished' : 'no image was put');
    return parts.join(', ') + this.cutOffNote();
  }

  /** `; a PutImage was cut off …` when one was, else nothing. */
  cutOffNote(): string {
    return this.putCutOff ? '; a PutImage was cut off and may have been applied (check with `aws ecr describe-images`)' : '';
  }
}
