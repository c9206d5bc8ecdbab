/**
 * Which blobs the repository already has: BatchCheckLayerAvailability in batches of at most 100.
 * `UNAVAILABLE` (what AWS's own pusher reads) and a `MissingLayerDigest` failure (what other
 * implementations answer) both mean absent; `InvalidLayerDigest` is an error.
 */

/** The blobs ECR has: digest → the size ECR reports for it (undefined when it reports none). */
export type BlobsInEcr = Map<string, number | undefined>;
import { EcrServiceError } from './classify.js';
import { repoInput, sendOptions, type Transport } from './transport.js';

export const CHECK_BATCH = 100;

/** The subset of `digests` that ECR reports AVAILABLE, with their sizes. */
export async function checkBlobs(t: Transport, digests: readonly string[]): Promise<BlobsInEcr> {
  const { BatchCheckLayerAvailabilityCommand } = await import('./sdk.js');
  const unique = [...new Set(digests)];
  const present: BlobsInEcr = new Map();
  for (let i = 0; i < unique.length; i += CHECK_BATCH) {
    const layerDigests = unique.slice(i, i + CHECK_BATCH);
    const out = await t.client.send(
      new BatchCheckLayerAvailabilityCommand({ ...repoInput(t), layerDigests }),
      sendOptions(t),
    );
    const invalid = (out.failures ?? []).filter((f) => f.failureCode === 'InvalidLayerDigest');
    if (invalid.length > 0) {
      const f = invalid[0];
      throw new EcrServiceError('InvalidParameterException', `ECR rejected layer digest ${f?.layerDigest ?? '?'}: ${f?.failureReason ?? 'InvalidLayerDigest'}`);
    }
    for (const l of out.layers ?? []) {
      if (l.layerAvailability === 'AVAILABLE' && l.layerDigest) present.set(l.layerDigest, l.layerSize);
    }
  }
  return present;
}
