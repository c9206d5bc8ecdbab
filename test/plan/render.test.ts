import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/plan.js';
import { renderManifests, type SentBlob } from '../../src/plan/render.js';
import { desc, index, manifest, OCI_CONFIG, OCI_TAR, OCI_TGZ } from './nodes.js';

const hash = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const asIs = (d: { digest: string; size: number; mediaType: string }): SentBlob => ({ digest: d.digest, size: d.size, mediaType: d.mediaType });

describe('rendering the manifests to put', () => {
  it('keeps the source bytes and digest when no layer changed', () => {
    const m = manifest(desc('c', OCI_CONFIG), [desc('l', OCI_TGZ)]);
    const [out] = renderManifests(makePlan(m), new Map([[m.config.digest, asIs(m.config)], [m.layers[0]!.digest, asIs(m.layers[0]!)]]));
    expect(out?.bytes).toBe(m.bytes);
    expect(out?.digest).toBe(m.descriptor.digest);
    expect(out?.isRoot).toBe(true);
  });

  it('rewrites a compressed layer to the pushed digest, size and gzip media type, leaving config and other layers alone', () => {
    const raw = desc('raw', OCI_TAR, 5000);
    const kept = desc('kept', OCI_TGZ);
    const m = manifest(desc('c', OCI_CONFIG), [raw, kept]);
    const gz = { digest: 'sha256:' + 'f'.repeat(64), size: 1234, mediaType: OCI_TGZ };
    const [out] = renderManifests(makePlan(m), new Map([[m.config.digest, asIs(m.config)], [raw.digest, gz], [kept.digest, asIs(kept)]]));
    const json = JSON.parse(out!.bytes.toString());
    expect(json.layers).toEqual([{ ...raw, ...gz }, kept]);
    expect(json.config).toEqual(m.config);
    expect(out?.digest).toBe(hash(out!.bytes));
  });

  it("rewrites an index whose child changed with the child's new digest and size, and puts children first", () => {
    const raw = desc('raw', OCI_TAR);
    const a = manifest(desc('ca', OCI_CONFIG), [raw], { os: 'linux', architecture: 'amd64' });
    const b = manifest(desc('cb', OCI_CONFIG), [desc('other', OCI_TGZ)], { os: 'linux', architecture: 'arm64' });
    const root = index([a, b]);
    const plan = makePlan(root);
    const gz = { digest: 'sha256:' + 'e'.repeat(64), size: 77, mediaType: OCI_TGZ };
    const sent = new Map(plan.blobs.map((x) => [x.source.digest, x.source.digest === raw.digest ? gz : asIs(x.source)]));
    const [ra, rb, ri] = renderManifests(plan, sent);
    expect(ra?.digest).not.toBe(a.descriptor.digest);
    expect(rb?.bytes).toBe(b.bytes);
    expect(ri?.isRoot).toBe(true);
    const children = JSON.parse(ri!.bytes.toString()).manifests;
    expect(children[0]).toMatchObject({ digest: ra?.digest, size: ra?.bytes.length, platform: { architecture: 'amd64' } });
    expect(children[1]).toEqual(b.descriptor);
    expect(ri?.digest).toBe(hash(ri!.bytes));
    expect([ra?.platform, rb?.platform]).toEqual([a.platform, b.platform]);
  });
});
