import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/report/format.js';
import { ProgressTracker } from '../../src/report/tracker.js';
import { MANIFEST, MiB, pushEvents } from './events.js';

describe('what a failed or interrupted push reports as done', () => {
  it('counts skipped and uploaded blobs and uploaded bytes, and names the tagged image, for the --json object on failure', () => {
    const tracker = new ProgressTracker();
    pushEvents.forEach(tracker.onEvent);
    const result = tracker.failed({ name: 'KmsException', exitCode: 17, message: 'denied' }, { repository: 'unused' });
    expect(result).toEqual({
      status: 'error',
      repository: 'team/app',
      tags: ['v1', 'latest'],
      digest: MANIFEST,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      blobs: { total: 2, uploaded: 1, skipped: 1, bytesUploaded: 30 * MiB },
      manifests: [{ digest: MANIFEST, mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
      error: { name: 'KmsException', exitCode: 17, message: 'denied' },
    });
  });

  it('names the repository and registry from the destination when the push failed before its plan', () => {
    const result = new ProgressTracker().failed({ name: 'UsageError', exitCode: 2, message: 'x' }, { repository: 'team/app', registryId: '123456789012' });
    expect(result).toMatchObject({ repository: 'team/app', registryId: '123456789012' });
    expect(result.blobs).toEqual({ total: 0, uploaded: 0, skipped: 0, bytesUploaded: 0 });
  });

  it('summarises an interrupted upload: blobs uploaded of total, bytes, and that no image was put', () => {
    const tracker = new ProgressTracker();
    pushEvents.slice(0, 6).forEach(tracker.onEvent);
    expect(tracker.summary(formatBytes)).toBe('0 of 2 blobs uploaded (0 B), 1 already present, no image was put');
    expect(new ProgressTracker().summary(formatBytes)).toBe('nothing was sent');
  });

  it('says that a PutImage cut off by the interruption may have been applied, instead of "no image was put"', () => {
    const tracker = new ProgressTracker();
    pushEvents.filter((e) => e.type !== 'manifest').forEach(tracker.onEvent);
    tracker.onEvent({ type: 'request', call: 'PutImage', attempt: 1, error: 'AbortError', ms: 1700 });
    expect(tracker.summary(formatBytes)).toMatch(/, no PutImage finished; a PutImage was cut off and may have been applied/);
    expect(tracker.summary(formatBytes)).not.toMatch(/no image was put/);
  });
});
