/**
 * A stand-in for the ECR SDK client: records every command (name without `Command`, and its
 * input) and answers through a handler, so tests can assert exact call sequences.
 */
import { createHash } from 'node:crypto';
import { ECRServiceException } from '@aws-sdk/client-ecr';
import type { EcrSender } from '../../src/ecr/client.js';
import type { PushEvent } from '../../src/events.js';
import type { Transport } from '../../src/ecr/transport.js';

export interface StubCall {
  call: string;
  input: Record<string, unknown>;
}

export type StubHandler = (call: string, input: Record<string, unknown>, calls: StubCall[]) => unknown;

export interface StubClient extends EcrSender {
  calls: StubCall[];
}

export function stubClient(handler: StubHandler): StubClient {
  const calls: StubCall[] = [];
  const send = async (command: { input: Record<string, unknown> }): Promise<unknown> => {
    const call = command.constructor.name.replace(/Command$/, '');
    calls.push({ call, input: command.input });
    return handler(call, command.input, calls);
  };
  return { calls, send: send as unknown as EcrSender['send'] };
}

/** An error shaped like the SDK's service exceptions (name, $fault, $metadata, extra fields). */
export function ecrException(name: string, fields: Record<string, unknown> = {}, status = 400): ECRServiceException {
  const err = new ECRServiceException({
    name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} (stub)`,
  });
  return Object.assign(err, fields);
}

/** A transport over a stub client, collecting events. */
export function stubTransport(client: StubClient, repositoryName = 'app'): Transport & { events: PushEvent[] } {
  const events: PushEvent[] = [];
  return { client, repositoryName, onEvent: (e) => events.push(e), events };
}

const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A well-behaved ECR: knows the blobs in `present`, accepts contiguous parts, completes with the
 * digest of what it received, puts manifests under the digest of their bytes, and gives back by
 * tag (BatchGetImage) the manifests put under one.
 */
export function fakeEcr(partSize = 20 * 1024 * 1024, present: Iterable<string> = []): StubHandler {
  const blobs = new Set(present);
  const received = new Map<string, Buffer[]>();
  const tagged = new Map<string, { manifest: string; mediaType: string }>();
  let uploads = 0;
  return (call, input) => {
    switch (call) {
      case 'BatchGetImage': {
        const tags = (input.imageIds as { imageTag: string }[]).map((id) => id.imageTag);
        return {
          images: tags.flatMap((imageTag) => {
            const image = tagged.get(imageTag);
            return image ? [{
              registryId: '123456789012', imageId: { imageTag, imageDigest: digestOf(image.manifest) },
              imageManifest: image.manifest, imageManifestMediaType: image.mediaType,
            }] : [];
          }),
          failures: tags.filter((t) => !tagged.has(t)).map((imageTag) => ({ imageId: { imageTag }, failureCode: 'ImageNotFound' })),
        };
      }
      case 'BatchCheckLayerAvailability':
        return {
          layers: (input.layerDigests as string[]).map((d) => ({ layerDigest: d, layerAvailability: blobs.has(d) ? 'AVAILABLE' : 'UNAVAILABLE' })),
        };
      case 'InitiateLayerUpload': {
        const uploadId = `u${++uploads}`;
        received.set(uploadId, []);
        return { uploadId, partSize };
      }
      case 'UploadLayerPart':
        received.get(String(input.uploadId))?.push(Buffer.from(input.layerPartBlob as Uint8Array));
        return { lastByteReceived: input.partLastByte };
      case 'CompleteLayerUpload': {
        const layerDigest = digestOf(Buffer.concat(received.get(String(input.uploadId)) ?? []));
        blobs.add(layerDigest);
        return { layerDigest };
      }
      case 'PutImage':
        if (input.imageTag) tagged.set(String(input.imageTag), { manifest: String(input.imageManifest), mediaType: String(input.imageManifestMediaType) });
        return { image: { registryId: '123456789012', imageId: { imageDigest: digestOf(String(input.imageManifest)), imageTag: input.imageTag } } };
      default:
        throw new Error(`unexpected ${call}`);
    }
  };
}
