/**
 * Pull a pushed image back from the emulator with skopeo and compare it with the OCI layout it was
 * pushed from: the same root digest, and every manifest and blob byte for byte (skopeo verifies
 * each digest on the way).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { skopeoCopy } from '../helpers/skopeo.js';

interface IndexJson {
  manifests: { digest: string }[];
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The hex digests a skopeo `dir:` copy holds: blobs as `<hex>`, platform manifests as `<hex>.manifest.json`. */
async function pulledNames(dir: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const file of await readdir(dir)) {
    const m = /^([a-f0-9]{64})(\.manifest\.json)?$/.exec(file);
    if (m) names.set(m[1]!, file);
  }
  return names;
}

/**
 * `docker://HOST/REPO:TAG` pulled with every platform equals `source` (an OCI layout directory
 * holding exactly the image's blobs): the same root manifest digest, and every other manifest and
 * blob byte for byte. Returns the root digest.
 */
export async function expectPulledIdentical(ref: string, source: string): Promise<string> {
  const pulled = await skopeoCopy(ref);
  try {
    const index = JSON.parse(await readFile(join(source, 'index.json'), 'utf8')) as IndexJson;
    const root = index.manifests[0]!.digest;
    const digest = sha256(await readFile(join(pulled, 'manifest.json')));
    expect(digest).toBe(root);
    const names = await pulledNames(pulled);
    names.set(root.slice('sha256:'.length), 'manifest.json');
    const sourceNames = (await readdir(join(source, 'blobs', 'sha256'))).sort();
    expect([...names.keys()].sort()).toEqual(sourceNames);
    for (const [hex, file] of names) {
      const [got, want] = await Promise.all([readFile(join(pulled, file)), readFile(join(source, 'blobs', 'sha256', hex))]);
      expect(got.equals(want), `${file} differs from the source blob ${hex}`).toBe(true);
    }
    return digest;
  } finally {
    await rm(pulled, { recursive: true, force: true });
  }
}
