import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/plan.js';
import { desc, index, manifest, OCI_CONFIG, OCI_TAR, OCI_TGZ } from './nodes.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

describe('planning a push', () => {
  it('lists each blob once, config included, even when two platforms share a layer', () => {
    const shared = desc('L1', OCI_TGZ);
    const a = manifest(desc('cfgA', OCI_CONFIG), [shared, desc('A2', OCI_TGZ)], amd64);
    const b = manifest(desc('cfgB', OCI_CONFIG), [shared, desc('B2', OCI_TGZ)], arm64);
    const plan = makePlan(index([a, b]));
    expect(plan.blobs.map((x) => x.source.digest)).toEqual(
      [a.config.digest, shared.digest, a.layers[1]!.digest, b.config.digest, b.layers[1]!.digest],
    );
  });

  it('uploads the largest blobs first, so a config or a thin layer never holds back a large one', () => {
    const cfg = desc('cfg', OCI_CONFIG, 500);
    const [small, big, mid, alsoMid] = [desc('s', OCI_TGZ, 10), desc('b', OCI_TGZ, 9000), desc('m', OCI_TGZ, 700), desc('m2', OCI_TGZ, 700)];
    const plan = makePlan(manifest(cfg, [small, big, mid, alsoMid]));
    expect(plan.blobs.map((x) => x.source.digest)).toEqual([big, mid, alsoMid, cfg, small].map((d) => d.digest));
  });

  it('orders manifests children first and the index last', () => {
    const a = manifest(desc('c1', OCI_CONFIG), [desc('x', OCI_TGZ)], amd64);
    const b = manifest(desc('c2', OCI_CONFIG), [desc('y', OCI_TGZ)], arm64);
    const root = index([a, b]);
    expect(makePlan(root).manifests).toEqual([a, b, root]);
  });

  it('with auto, gzips uncompressed tar layers only and keeps compressed ones and the config as they are', () => {
    const m = manifest(desc('c', OCI_CONFIG), [desc('raw', OCI_TAR), desc('gz', OCI_TGZ), desc('z', 'application/vnd.oci.image.layer.v1.tar+zstd')]);
    expect(makePlan(m, 'auto').blobs.map((b) => b.encoding)).toEqual(['copy', 'gzip', 'copy', 'copy']);
    expect(makePlan(m, 'auto').blobs[1]?.gzipMediaType).toBe(OCI_TGZ);
  });

  it('gives a Docker layer the Docker gzip media type', () => {
    const m = manifest(desc('c', OCI_CONFIG), [desc('raw', 'application/vnd.docker.image.rootfs.diff.tar')]);
    expect(makePlan(m).blobs[1]?.gzipMediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
  });

  it('with none, sends every blob as it is', () => {
    const m = manifest(desc('c', OCI_CONFIG), [desc('raw', OCI_TAR)]);
    expect(makePlan(m, 'none').blobs.map((b) => b.encoding)).toEqual(['copy', 'copy']);
  });

  it('refuses a manifest whose blobs the source lacks, before anything is sent', () => {
    const m = { ...manifest(desc('c', OCI_CONFIG), [desc('raw', OCI_TAR)]), missing: [desc('raw', OCI_TAR).digest] };
    expect(() => makePlan(m)).toThrowError(expect.objectContaining({ name: 'InputError', message: expect.stringContaining('does not hold') }));
  });

  it('refuses an index with child manifests absent from the source and suggests --platform', () => {
    const root = { ...index([manifest(desc('c', OCI_CONFIG), [desc('x', OCI_TGZ)], amd64)]), absent: [desc('other', OCI_CONFIG)] };
    expect(() => makePlan(root)).toThrowError(expect.objectContaining({ name: 'InputError', hint: expect.stringContaining('--platform') }));
  });

  it('refuses an image with zero layers', () => {
    expect(() => makePlan(manifest(desc('c', OCI_CONFIG), []))).toThrow(/zero layers/);
  });

  it('refuses a manifest over 4 MiB', () => {
    const m = manifest(desc('c', OCI_CONFIG), [desc('x', OCI_TGZ)]);
    expect(() => makePlan({ ...m, bytes: Buffer.alloc(4 * 1024 * 1024 + 1, 32) })).toThrow(/over ECR's limit/);
  });

  it('adds up the source bytes of the distinct blobs', () => {
    const shared = desc('L', OCI_TGZ, 1000);
    const root = index([
      manifest(desc('a', OCI_CONFIG, 10), [shared], amd64),
      manifest(desc('b', OCI_CONFIG, 20), [shared], arm64),
    ]);
    expect(makePlan(root).totalBytes).toBe(1030);
  });
});
