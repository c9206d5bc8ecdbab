import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from './harness.js';
import { pushOciLayout, sha256, sharedImagesDir } from './sdk.js';
import { readLayoutJson, skopeoCopy, withTempDir } from './skopeo.js';

const imagesDir = sharedImagesDir();
const h = useEmulator('pull');

interface Descriptor {
  digest: string;
}

describe.skipIf(!imagesDir)('skopeo pulls back what was pushed through the SDK (needs ../shared/images)', () => {
  it('pulls a multi-platform index with --all under the same index digest', async () => {
    const repo = h.newRepo();
    const digest = await pushOciLayout(h.client, repo, join(imagesDir!, 'tool-made', 'oci-layout-multiarch'), 'multi');
    await withTempDir(async (dir) => {
      await skopeoCopy(h.emu.registryHost, `${repo}:multi`, `oci:${dir}:multi`, ['--all']);
      const index = await readLayoutJson<{ manifests: Descriptor[] }>(dir);
      expect(index.manifests.map((m) => m.digest)).toEqual([digest]);
    });
  });

  it('serves a Docker media type manifest and its blobs so skopeo copies them unchanged', async () => {
    const repo = h.newRepo();
    const digest = await pushOciLayout(h.client, repo, join(imagesDir!, 'tool-made', 'oci-layout-docker-mediatypes'), 'docker');
    // The dir: transport keeps the manifest as served (an OCI layout would convert Docker media types).
    await withTempDir(async (dir) => {
      await skopeoCopy(h.emu.registryHost, `${repo}:docker`, `dir:${dir}`);
      const manifest = await readFile(join(dir, 'manifest.json'));
      expect(sha256(manifest)).toBe(digest);
      const config = (JSON.parse(manifest.toString()) as { config: Descriptor }).config.digest;
      expect(sha256(await readFile(join(dir, config.split(':')[1]!)))).toBe(config);
    });
  });
});
