import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspect } from '../../src/inspect.js';
import { openSource } from '../../src/image/open.js';
import type { ManifestNode } from '../../src/image/types.js';
import { fixture } from './fixtures.js';
import { writeTar, type TarItem } from './make-tar.js';
import { tarMember } from './reference-view.js';

const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A Docker 25.0.0-style save (OCI layout + manifest.json, uncompressed layers whose digest is the
 * diff_id) built from the fixture docker-archive, with the manifest's layers in reverse order.
 */
async function docker25WithLayersReversed(): Promise<{ file: string; diffIds: string[]; manifestBytes: Buffer }> {
  const src = fixture('docker-archive.tar');
  const entry = JSON.parse(tarMember(src, 'manifest.json').toString())[0] as { Config: string; Layers: string[] };
  const config = tarMember(src, entry.Config);
  const layers = entry.Layers.map((p) => tarMember(src, p));
  const diffIds = JSON.parse(config.toString()).rootfs.diff_ids as string[];
  const desc = (mediaType: string, b: Buffer) => ({ mediaType, digest: sha256(b), size: b.length });
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { ...desc('application/vnd.oci.image.config.v1+json', config), platform: { os: 'linux', architecture: 'amd64' } },
      layers: layers.map((l) => desc('application/vnd.oci.image.layer.v1.tar', l)).reverse(),
    }),
  );
  const blob = (b: Buffer): TarItem => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, data: b });
  const file = join(scratch, 'docker25.tar');
  await writeTar(file, [
    ...layers.map(blob),
    blob(config),
    blob(manifestBytes),
    { name: 'oci-layout', data: '{"imageLayoutVersion": "1.0.0"}' },
    { name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests: [{ ...desc('application/vnd.oci.image.manifest.v1+json', manifestBytes), annotations: { 'io.containerd.image.name': 'docker.io/library/small:v1', 'org.opencontainers.image.ref.name': 'v1' } }] }) },
    { name: 'manifest.json', data: JSON.stringify([{ Config: `blobs/sha256/${sha256(config).slice(7)}`, RepoTags: ['small:v1'], Layers: layers.map((l) => `blobs/sha256/${sha256(l).slice(7)}`) }]) },
  ]);
  return { file, diffIds, manifestBytes };
}

describe('Docker 25+ save with layers stored out of order', () => {
  it('is pushed as stored (manifest bytes unchanged) while diffIds and inspect follow the config, with a warning', async () => {
    const { file, diffIds, manifestBytes } = await docker25WithLayersReversed();
    const source = await openSource(file);
    await source.close();
    expect(source.format).toBe('docker-archive-oci');
    expect(source.images[0]!.tags).toEqual(['docker.io/library/small:v1', 'small:v1']);
    const m = source.images[0]!.root as ManifestNode;
    expect(m.bytes).toEqual(manifestBytes);
    expect(m.layers.map((l) => l.digest)).toEqual([...diffIds].reverse());
    expect(m.diffIds).toEqual(diffIds);
    const report = await inspect({ source: file });
    const root = report.images[0]!.root;
    expect(root.kind === 'manifest' && root.warnings).toEqual([expect.stringMatching(/different order than the config's diff_ids/)]);
  });
});
