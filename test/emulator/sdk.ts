/** Test helpers: a real ECR SDK client pointed at an emulator, and blob uploads through it. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompleteLayerUploadCommand,
  ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import type { Emulator } from './index.js';

/** A client that makes one attempt per call, so each emulator answer reaches the test as sent. */
export function ecrClient(emu: Emulator, overrides: Partial<Emulator['credentials']> & { region?: string } = {}): ECRClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { region, ...creds } = overrides;
  return new ECRClient({
    endpoint: emu.endpoint,
    region: region ?? emu.region,
    credentials: { ...emu.credentials, ...creds },
    maxAttempts: 1,
  });
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Uploads `bytes` as one blob in parts of `partSize`; returns the digest ECR computed. */
export async function uploadBlob(client: ECRClient, repositoryName: string, bytes: Buffer, partSize = bytes.length): Promise<string> {
  const { uploadId } = await client.send(new InitiateLayerUploadCommand({ repositoryName }));
  for (let first = 0; first < bytes.length; first += partSize) {
    const part = bytes.subarray(first, first + partSize);
    await client.send(
      new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: first, partLastByte: first + part.length - 1, layerPartBlob: part }),
    );
  }
  const done = await client.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha256(bytes)] }));
  return done.layerDigest!;
}

/** The shared test images folder beside the repository, or undefined when it is absent. */
export function sharedImagesDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../shared/images/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface TestImage {
  config: Buffer;
  layer: Buffer;
  /** Manifest text with a top-level mediaType. */
  manifest: string;
  digest: string;
}

/** A small distinct image (config, one layer, OCI manifest) for the given name. */
export function testImage(name: string): TestImage {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', name, rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer bytes of ${name}\n`.repeat(50));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  });
  return { config, layer, manifest, digest: sha256(manifest) };
}

/** Uploads the image's config and layer. */
export async function uploadImageBlobs(client: ECRClient, repositoryName: string, image: TestImage): Promise<void> {
  await uploadBlob(client, repositoryName, image.config);
  await uploadBlob(client, repositoryName, image.layer);
}

/** An OCI index over the given images. */
export function indexOf(images: TestImage[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: images.map((i) => ({ mediaType: OCI_MANIFEST, digest: i.digest, size: Buffer.byteLength(i.manifest) })),
  });
}

/** The rejection of `promise`, failing the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

interface LayoutDescriptor {
  mediaType: string;
  digest: string;
}

/**
 * Pushes the first image of an OCI layout through the SDK: blobs, then child manifests by digest,
 * then the top manifest or index under `tag`. Returns the top digest.
 */
export async function pushOciLayout(client: ECRClient, repositoryName: string, layoutDir: string, tag: string): Promise<string> {
  const blob = (digest: string) => readFile(join(layoutDir, 'blobs', ...digest.split(':')));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests: LayoutDescriptor[] };
  const pushNode = async (node: LayoutDescriptor, imageTag?: string): Promise<void> => {
    const text = (await blob(node.digest)).toString('utf8');
    const doc = JSON.parse(text) as { manifests?: LayoutDescriptor[]; config?: LayoutDescriptor; layers?: LayoutDescriptor[] };
    for (const child of doc.manifests ?? []) await pushNode(child);
    for (const ref of doc.config ? [doc.config, ...(doc.layers ?? [])] : []) {
      await uploadBlob(client, repositoryName, await blob(ref.digest)).catch((e: Error) => {
        if (e.name !== 'LayerAlreadyExistsException') throw e;
      });
    }
    await client.send(new PutImageCommand({ repositoryName, imageManifest: text, imageManifestMediaType: node.mediaType, imageDigest: node.digest, imageTag }));
  };
  await pushNode(index.manifests[0]!, tag);
  return index.manifests[0]!.digest;
}
