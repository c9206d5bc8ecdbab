import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { openSource } from '../../src/image/open.js';
import { selectImage } from '../../src/image/select.js';
import type { ImageSource } from '../../src/image/types.js';
import { fixture, shared, sharedMissing } from './fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function withSource<T>(location: string, fn: (s: ImageSource) => T): Promise<T> {
  const source = await openSource(location);
  try {
    return fn(source);
  } finally {
    await source.close();
  }
}

/** fixtures/oci-index without the arm64 manifest: a platform the index lists but the source lacks. */
function indexWithoutArm64(): string {
  const dir = join(scratch, 'no-arm64');
  cpSync(fixture('oci-index'), dir, { recursive: true });
  return dir;
}

/** fixtures/oci-index with its two platform manifests listed directly in index.json, both named v1. */
function twoImagesNamedV1(): string {
  const dir = join(scratch, 'two-v1');
  cpSync(fixture('oci-index'), dir, { recursive: true });
  const [nested] = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests;
  const inner = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', nested!.digest.slice(7)), 'utf8')) as { manifests: object[] };
  const manifests = inner.manifests.map((m) => ({ ...m, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return dir;
}

describe('an --image name that two images share', () => {
  it('is refused with both positions to choose from, instead of pushing the first silently', async () => {
    await withSource(twoImagesNamedV1(), (s) => {
      expect(() => selectImage(s, { image: 'v1' })).toThrow(/has 2 images named "v1"; choose one by position with --image: 1 \(v1\); 2 \(v1\)/);
      expect(selectImage(s, { image: '2' }).image.position).toBe(2);
    });
  });
});

describe.skipIf(sharedMissing)(`choosing one of several images${sharedMissing ? ` (skipped: ${sharedMissing})` : ''}`, () => {
  const twoImages = shared('tool-made', 'docker-20.10', 'docker20-save-2images.tar');

  it('without --image an archive with two images is an input error that lists both choices', async () => {
    await withSource(twoImages, (s) => {
      expect(() => selectImage(s, {})).toThrow(InputError);
      expect(() => selectImage(s, {})).toThrow(/holds 2 images; choose one with --image: 1 \(example\.com\/fixtures\/multilayer:v1\); 2 \(example\.com\/fixtures\/multilayer:arm64\)/);
    });
  });

  it('--image picks by full tag, by short name:tag, by tag alone and by position; a name two images share is ambiguous', async () => {
    await withSource(twoImages, (s) => {
      expect(selectImage(s, { image: 'example.com/fixtures/multilayer:arm64' }).image.position).toBe(2);
      expect(selectImage(s, { image: 'multilayer:arm64' }).image.position).toBe(2);
      expect(selectImage(s, { image: '1' }).image.tags).toEqual(['example.com/fixtures/multilayer:v1']);
      expect(selectImage(s, { image: 'arm64' }).image.position).toBe(2);
      expect(() => selectImage(s, { image: 'example.com/fixtures/multilayer' })).toThrow(/has 2 images named "example.com\/fixtures\/multilayer"/);
    });
  });

  it('--platform without a variant that matches two arm variants asks for the variant', async () => {
    await withSource(shared('real', 'regclient-testrepo'), (s) => {
      expect(() => selectImage(s, { image: 'b1', platform: 'linux/arm' })).toThrow(/--platform linux\/arm matches linux\/arm\/v7, linux\/arm\/v6; give the variant too/);
      const { root } = selectImage(s, { image: 'b1', platform: 'linux/arm/v6' });
      expect(root.kind === 'manifest' && root.platform).toMatchObject({ architecture: 'arm', variant: 'v6' });
    });
  });

  it('--platform that two different manifests of an index share is ambiguous, not the first of them', async () => {
    await withSource(shared('real', 'regclient-testrepo'), (s) => {
      expect(() => selectImage(s, { image: 'v1', platform: 'unknown/unknown' })).toThrow(/--platform unknown\/unknown matches 2 manifests \(sha256:[0-9a-f]{64}, sha256:[0-9a-f]{64}\); without --platform the index is taken whole/);
    });
  });

  it('--image that matches nothing lists the choices', async () => {
    await withSource(twoImages, (s) => {
      expect(() => selectImage(s, { image: '3' })).toThrow(/has no image "3"; choices: 1 .*; 2 /);
    });
  });
});

describe('choosing a platform', () => {
  it('an index is chosen whole without --platform, and one manifest with it', async () => {
    await withSource(fixture('oci-index'), (s) => {
      expect(selectImage(s, {}).root.kind).toBe('index');
      const { root } = selectImage(s, { platform: 'linux/arm64' });
      expect(root.kind === 'manifest' && root.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    });
  });

  it('--platform is matched whatever its case, as platform values are lower-case', async () => {
    await withSource(fixture('oci-index'), (s) => {
      const { root } = selectImage(s, { platform: 'Linux/ARM64' });
      expect(root.kind === 'manifest' && root.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    });
  });

  it('an unknown platform lists the platforms there are', async () => {
    await withSource(fixture('oci-index'), (s) => {
      expect(() => selectImage(s, { platform: 'linux/s390x' })).toThrow(/has no platform linux\/s390x; platforms: linux\/amd64, linux\/arm64/);
    });
  });

  it('a malformed --platform is a usage error', async () => {
    await withSource(fixture('oci-index'), (s) => {
      expect(() => selectImage(s, { platform: 'linux' })).toThrow(UsageError);
    });
  });

  it('a platform whose manifest is absent cannot be chosen, and the whole index cannot be pushed', async () => {
    const dir = indexWithoutArm64();
    const full = await openSource(fixture('oci-index'));
    const root = full.images[0]!.root;
    await full.close();
    if (root.kind !== 'index') throw new Error('expected an index');
    unlinkSync(join(dir, 'blobs', 'sha256', root.children[1]!.descriptor.digest.slice(7)));
    await withSource(dir, (s) => {
      expect(() => selectImage(s, { platform: 'linux/arm64' })).toThrow(/platform linux\/arm64 is listed but its manifest is not in the archive/);
      expect(() => selectImage(s, {})).toThrow(/manifests of linux\/arm64 missing; pushable with --platform: linux\/amd64/);
      expect(selectImage(s, { platform: 'linux/amd64' }).root.kind).toBe('manifest');
      expect(selectImage(s, {}, { allowMissing: true }).root.kind).toBe('index');
    });
  });

  it('an image with a missing layer blob cannot be pushed', async () => {
    await withSource(fixture('corrupt', 'missing-blob'), (s) => {
      expect(() => selectImage(s, {})).toThrow(/cannot push sha256:[a-f0-9]{64}: 1 blob\(s\) missing/);
    });
  });
});
