/** Write a small single-image OCI layout in a temp directory (tests that need an unusual image). */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from './scratch.js';

export interface WrittenLayout {
  dir: string;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function putBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

/**
 * An OCI layout, tag `v1`, whose layers hold exactly `layers` (media type `mediaType`); the
 * config's diff_ids are `diffIds`, else the layers' own digests, and its labels `labels`.
 */
export async function writeLayout(
  layers: Buffer[], mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip', diffIds?: string[], labels?: Record<string, string>,
): Promise<WrittenLayout> {
  const dir = scratchDir('ecr-push-layout');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const layerDigests = await Promise.all(layers.map((l) => putBlob(dir, l)));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds ?? layerDigests }, config: labels ? { Labels: labels } : {},
  }));
  const configDigest = await putBlob(dir, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: layers.map((l, i) => ({ mediaType, digest: layerDigests[i], size: l.length })),
  }));
  const manifestDigest = await putBlob(dir, manifest);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': 'v1' },
    }],
  }));
  return { dir, manifestDigest, configDigest, layerDigests };
}
