/** Test helpers: a real ECR SDK client pointed at an emulator, and blob uploads through it. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CompleteLayerUploadCommand,
  ECRClient,
  InitiateLayerUploadCommand,
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
