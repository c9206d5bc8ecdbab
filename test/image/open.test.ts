import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openSource } from '../../src/image/open.js';
import { collect } from '../../src/image/tree.js';
import { readAll } from '../helpers/readers.js';
import type { ManifestNode } from '../../src/image/types.js';
import { fixture, shared, sharedMissing } from './fixtures.js';
import { tarMember } from './reference-view.js';

const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const skipNote = sharedMissing ? ` (skipped: ${sharedMissing})` : '';
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function only(location: string): Promise<ManifestNode> {
  const source = await openSource(location);
  await source.close();
  const root = source.images[0]!.root;
  if (root.kind !== 'manifest') throw new Error('expected a manifest');
  return root;
}

describe('blobs are verified while they are read', () => {
  it('a layer with one flipped byte fails with an InputError naming the blob and the file', async () => {
    const source = await openSource(fixture('corrupt', 'flipped-byte.tar'));
    const m = source.images[0]!.root as ManifestNode;
    const results = await Promise.allSettled(m.layers.map((l) => collect(source.blobs.open(l))));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(InputError);
    expect(failed[0]!.reason.message).toMatch(/^blob sha256:[a-f0-9]{64} in .*flipped-byte\.tar .*does not match its digest/);
    await source.close();
  });

  it('all blobs of one archive can be streamed at the same time, each matching its digest', async () => {
    const source = await openSource(fixture('docker-archive.tar'));
    const m = source.images[0]!.root as ManifestNode;
    const blobs = [m.config, ...m.layers];
    const bytes = await Promise.all(blobs.map((d) => collect(source.blobs.open(d))));
    expect(bytes.map(sha256)).toEqual(blobs.map((d) => d.digest));
    await source.close();
  });

  it('a descriptor whose size differs from the stored blob is refused before reading', async () => {
    const source = await openSource(fixture('oci-layout'));
    const { config } = source.images[0]!.root as ManifestNode;
    await expect(source.blobs.read({ digest: config.digest, size: config.size + 1 })).rejects.toThrow(/has \d+ bytes, expected \d+/);
    await source.close();
  });

  it('a blob read into the caller\'s buffers is verified the same way: the read that reaches the end fails', async () => {
    for (const name of ['oci-layout', 'docker-archive.tar', 'oci-archive.tar']) {
      const source = await openSource(fixture(name));
      const m = source.images[0]!.root as ManifestNode;
      const blobs = [m.config, ...m.layers];
      const bytes = await Promise.all(blobs.map((d, i) => readAll(source.blobs.reader(d), 1000 + i)));
      expect(bytes.map(sha256), name).toEqual(blobs.map((d) => d.digest));
      await source.close();
    }
    const corrupt = await openSource(fixture('corrupt', 'flipped-byte.tar'));
    const m = corrupt.images[0]!.root as ManifestNode;
    const results = await Promise.allSettled(m.layers.map((l) => readAll(corrupt.blobs.reader(l), 64 * 1024)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(InputError);
    expect(failed[0]!.reason.message).toMatch(/^blob sha256:[a-f0-9]{64} in .*flipped-byte\.tar .*does not match its digest/);
    await expect(readAll(corrupt.blobs.reader({ digest: m.config.digest, size: m.config.size + 1 }), 10)).rejects.toThrow(/has \d+ bytes, expected \d+/);
    await corrupt.close();
  });

  it('an invalid digest never becomes a path', async () => {
    const source = await openSource(fixture('oci-layout'));
    expect(source.blobs.has('sha256:../../../../etc/passwd')).toBe(false);
    await expect(source.blobs.read({ digest: 'sha256:../../../../etc/passwd', size: 1 })).rejects.toThrow(/invalid digest/);
    await source.close();
  });

  it('an OCI layout whose blob is a symlink out of the directory is refused', async () => {
    const dir = join(scratch, 'escape');
    cpSync(fixture('oci-layout'), dir, { recursive: true });
    const m = await only(fixture('oci-layout'));
    const path = join(dir, 'blobs', 'sha256', m.layers[0]!.digest.slice(7));
    unlinkSync(path);
    symlinkSync(fixture('oci-layout', 'oci-layout'), path);
    await expect(openSource(dir)).rejects.toThrow(/points outside the layout directory/);
  });
});

describe('legacy docker save gets a built Docker v2 schema 2 manifest', () => {
  it('config verbatim, layers = diff_ids with the layer.tar sizes, uncompressed media type, stable bytes', async () => {
    const file = fixture('docker-archive.tar');
    const m = await only(file);
    const entry = JSON.parse(tarMember(file, 'manifest.json').toString())[0] as { Config: string; Layers: string[] };
    const config = tarMember(file, entry.Config);
    expect(m.synthesized).toBe(true);
    expect(m.config).toEqual({ mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) });
    expect(m.layers.map((l) => l.digest)).toEqual(JSON.parse(config.toString()).rootfs.diff_ids);
    expect(m.layers.map((l) => l.size)).toEqual(entry.Layers.map((p) => tarMember(file, p).length));
    expect(new Set(m.layers.map((l) => l.mediaType))).toEqual(new Set(['application/vnd.docker.image.rootfs.diff.tar']));
    expect(m.descriptor).toEqual({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: sha256(m.bytes), size: m.bytes.length });
    expect(JSON.parse(m.bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: m.descriptor.mediaType,
      config: m.config,
      layers: m.layers,
    });
    expect(m.bytes.toString()).toContain('{\n   "schemaVersion": 2,\n   "mediaType"');
    expect((await only(fixture('docker-archive.tar.gz'))).bytes).toEqual(m.bytes);
  });

  it.skipIf(sharedMissing)(`a Docker 25.0.0 save by id ("manifests": null) uses the manifest blob stored in the archive${skipNote}`, async () => {
    const file = shared('real', 'go-containerregistry', 'hello-world-v25.tar');
    const m = await only(file);
    expect(m.synthesized).toBe(false);
    expect(m.bytes).toEqual(tarMember(file, `blobs/sha256/${m.descriptor.digest.slice(7)}`));
    expect(JSON.parse(m.bytes.toString()).config.digest).toBe(m.config.digest);
  });

  it.skipIf(sharedMissing)(`a pre-1.10 docker save (no manifest.json) is refused, saying so${skipNote}`, async () => {
    await expect(openSource(shared('real', 'moby', 'emptyLayer.tar'))).rejects.toThrow(/from before Docker 1\.10 \(no manifest\.json\)/);
  });
});

describe('OCI layouts', () => {
  it('a manifest without mediaType takes the one of the index.json descriptor, bytes kept as on disk', async () => {
    const m = await only(fixture('oci-layout'));
    const index = JSON.parse(readFileSync(fixture('oci-layout', 'index.json'), 'utf8'));
    expect(JSON.parse(m.bytes.toString()).mediaType).toBeUndefined();
    expect(m.descriptor.mediaType).toBe(index.manifests[0].mediaType);
    expect(m.bytes).toEqual(readFileSync(fixture('oci-layout', 'blobs', 'sha256', m.descriptor.digest.slice(7))));
  });

  it('the two-platform index shares its first layer between both platforms', async () => {
    const source = await openSource(fixture('oci-index'));
    const root = source.images[0]!.root;
    expect(root.kind).toBe('index');
    if (root.kind !== 'index') return;
    const [amd, arm] = root.children as ManifestNode[];
    expect(amd!.layers[0]!.digest).toBe(arm!.layers[0]!.digest);
    expect(amd!.layers[1]!.digest).not.toBe(arm!.layers[1]!.digest);
    await source.close();
  });
});

describe('media types missing everywhere', () => {
  it('a manifest whose descriptor and bytes both lack mediaType is read as an OCI image manifest', async () => {
    const dir = join(scratch, 'no-media-type');
    cpSync(fixture('oci-layout'), dir, { recursive: true });
    const indexPath = join(dir, 'index.json');
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    delete index.manifests[0].mediaType;
    writeFileSync(indexPath, JSON.stringify(index));
    const m = await only(dir);
    expect(m.descriptor.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.layers).toHaveLength(2);
  });
});

describe('archives that are not images', () => {
  it('a tar of the layout folder itself says the image is one folder down and how to make the archive', async () => {
    const file = join(scratch, 'wrapped.tar');
    execFileSync('tar', ['-C', fixture(), '-cf', file, 'oci-layout']);
    await expect(openSource(file)).rejects.toThrow(/holds the image inside the folder oci-layout\/; make the archive from inside it, e\.g\. tar -C oci-layout -cf image\.tar \.$/);
  });
});
