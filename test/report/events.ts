/** A plausible event sequence of one push: one blob skipped, one uploaded in three steps, one manifest. */
import type { PushEvent } from '../../src/events.js';

export const SKIPPED = `sha256:${'a'.repeat(64)}`;
export const UPLOADED = `sha256:${'b'.repeat(64)}`;
export const MANIFEST = `sha256:${'c'.repeat(64)}`;
export const MiB = 1024 * 1024;

export const pushEvents: PushEvent[] = [
  { type: 'plan', repository: 'team/app', tags: ['v1', 'latest'], blobs: 2, manifests: 1, totalBytes: 31 * MiB },
  { type: 'blob-skipped', digest: SKIPPED, size: MiB },
  { type: 'blob-start', digest: UPLOADED, size: 30 * MiB },
  { type: 'request', call: 'UploadLayerPart', attempt: 1, requestId: 'req-1', status: 200, ms: 120 },
  { type: 'blob-progress', digest: UPLOADED, done: 10 * MiB, size: 30 * MiB },
  { type: 'retry', what: `part 2 of ${UPLOADED}`, attempt: 2, reason: 'InvalidLayerPartException', delayMs: 200 },
  { type: 'blob-progress', digest: UPLOADED, done: 20 * MiB, size: 30 * MiB },
  { type: 'blob-done', digest: UPLOADED, size: 30 * MiB, alreadyExisted: false },
  { type: 'manifest', digest: MANIFEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', tag: 'v1', status: 'pushed' },
  { type: 'manifest', digest: MANIFEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', tag: 'latest', status: 'unchanged' },
];
