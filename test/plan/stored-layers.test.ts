/** Guessing a push's gzip layers from the image a tag names in ECR (a re-push on a runner with an empty cache). */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/plan.js';
import { storedChildFor, storedLayerGuess, storedLayersByDiffId, storedManifest } from '../../src/plan/stored-layers.js';
import { desc, index, manifest, OCI_CONFIG, OCI_TAR, OCI_TGZ } from './nodes.js';

const config = desc('c', OCI_CONFIG);
const raw = desc('raw', OCI_TAR, 5000);
const kept = desc('kept', OCI_TGZ);
const gz = { digest: `sha256:${'f'.repeat(64)}`, size: 1234, mediaType: OCI_TGZ };
const storedAs = (c: object, layers: object[]): string => JSON.stringify({ schemaVersion: 2, config: c, layers });

describe('guessing gzip layers from a stored image', () => {
  it('takes the stored layer at the position of each layer still to be gzipped, and nothing for the others', () => {
    const plan = makePlan(manifest(config, [raw, kept]));
    expect(storedLayerGuess(plan, storedAs(config, [gz, kept]))).toEqual(new Map([[raw.digest, { digest: gz.digest, size: gz.size }]]));
  });

  it('guesses nothing from an image with another config, another layer count, an index, or text that is not a manifest', () => {
    const plan = makePlan(manifest(config, [raw, kept]));
    expect(storedLayerGuess(plan, storedAs(desc('other', OCI_CONFIG), [gz, kept]))).toBeUndefined();
    expect(storedLayerGuess(plan, storedAs(config, [gz]))).toBeUndefined();
    expect(storedLayerGuess(plan, JSON.stringify({ schemaVersion: 2, manifests: [] }))).toBeUndefined();
    expect(storedLayerGuess(plan, 'not json')).toBeUndefined();
  });

  it('guesses nothing for an index root, whose children are rendered from their own layers', () => {
    const plan = makePlan(index([manifest(config, [raw], { os: 'linux', architecture: 'amd64' })]));
    expect(storedLayerGuess(plan, storedAs(config, [gz]))).toBeUndefined();
  });
});

describe('the stored layers by the content their config names', () => {
  const configBytes = (diffIds: unknown): Buffer => Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const other = { digest: `sha256:${'e'.repeat(64)}`, size: 99, mediaType: OCI_TGZ };
  /** The layers a stored manifest names (none for an index), as the push reads them. */
  const layersIn = (manifest: string) => storedManifest(manifest)?.layers ?? [];

  it("pairs each of the config's diff_ids with the manifest's layer at its position", () => {
    const stored = storedAs(config, [gz, other]);
    expect(storedLayersByDiffId(layersIn(stored), configBytes([raw.digest, kept.digest]))).toEqual(new Map([
      [raw.digest, { digest: gz.digest, size: gz.size }],
      [kept.digest, { digest: other.digest, size: other.size }],
    ]));
  });

  it('pairs nothing when the config lists another number of layers, is not JSON, or the manifest is an index', () => {
    expect(storedLayersByDiffId(layersIn(storedAs(config, [gz, other])), configBytes([raw.digest]))).toEqual(new Map());
    expect(storedLayersByDiffId(layersIn(storedAs(config, [gz])), Buffer.from('{'))).toEqual(new Map());
    expect(storedLayersByDiffId(layersIn(JSON.stringify({ schemaVersion: 2, manifests: [] })), configBytes([]))).toEqual(new Map());
  });
});

describe("a stored index's manifest for the push's platform", () => {
  const child = (digest: string, platform: object) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 100, platform });
  const arm = `sha256:${'1'.repeat(64)}`;
  const amd = `sha256:${'2'.repeat(64)}`;
  const stored = JSON.stringify({ schemaVersion: 2, manifests: [child(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }), child(amd, { os: 'linux', architecture: 'amd64' })] });

  it('picks the child of the same os and architecture, a variant named on one side only not counting against it', () => {
    expect(storedChildFor(stored, { os: 'linux', architecture: 'amd64' })).toBe(amd);
    expect(storedChildFor(stored, { os: 'linux', architecture: 'arm64' })).toBe(arm);
    expect(storedChildFor(stored, { os: 'linux', architecture: 'arm64', variant: 'v7' })).toBeUndefined();
  });

  it('picks nothing from a manifest, for another platform, or without a platform to look for', () => {
    expect(storedChildFor(storedAs(config, [gz]), { os: 'linux', architecture: 'amd64' })).toBeUndefined();
    expect(storedChildFor(stored, { os: 'windows', architecture: 'amd64' })).toBeUndefined();
    expect(storedChildFor(stored, undefined)).toBeUndefined();
  });
});
