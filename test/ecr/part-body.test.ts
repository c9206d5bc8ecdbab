import { ECRClient, UploadLayerPartCommand } from '@aws-sdk/client-ecr';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { streamReader } from '../helpers/readers.js';
import {
  PartBodyError, bodyBufferSize, encodePart, installPartBody, partAfter, partBytes, partCommandInput, readEncodedPart, withPart,
  type EncodedPart,
} from '../../src/ecr/part-body.js';
import { Readable } from 'node:stream';

interface Sent {
  body: Buffer;
  headers: Record<string, string>;
}

/** A client whose requests are recorded instead of sent; every answer is an empty 200. */
function recordingClient(native: boolean): { client: ECRClient; sent: Sent[] } {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sent: Sent[] = [];
  const client = new ECRClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
        const b = request.body;
        // A view first: Buffer.from(adapter) would call the SDK body's string methods.
        const body = typeof b === 'string'
          ? Buffer.from(b, 'utf8')
          : Buffer.concat([new Uint8Array((b as Uint8Array).buffer, (b as Uint8Array).byteOffset, (b as Uint8Array).byteLength)]);
        sent.push({ body, headers: { ...request.headers } });
        return { response: { statusCode: 200, headers: {}, body: Buffer.from('{}') } };
      },
    },
  });
  if (native) installPartBody(client);
  return { client, sent };
}

/** Send each part; `encode` puts it in a body buffer (default: a new one per part). */
async function sendParts(native: boolean, parts: Uint8Array[], encode: (part: Uint8Array) => Promise<EncodedPart> = async (p) => encodePart(p)): Promise<Sent[]> {
  const { client, sent } = recordingClient(native);
  for (const part of parts) {
    const fields = { repositoryName: 'team/app', uploadId: 'upload-1', partFirstByte: 0, partLastByte: Math.max(0, part.length - 1) };
    await client.send(new UploadLayerPartCommand(partCommandInput(client, fields, await encode(part))));
  }
  client.destroy();
  expect(sent).toHaveLength(parts.length);
  return sent;
}

const sendPart = async (native: boolean, part: Uint8Array): Promise<Sent> => (await sendParts(native, [part]))[0]!;

const PARTS: [string, Uint8Array][] = [
  ['an empty part', new Uint8Array(0)],
  ['1 byte', Uint8Array.of(0xff)],
  ['2 bytes', Uint8Array.of(0x00, 0xfb)],
  ['3 bytes', Uint8Array.of(0xfb, 0xff, 0xbf)],
  ['1000 random bytes', randomBytes(1000)],
  ['1 MiB + 2 random bytes (several encoding slices, padded end)', randomBytes(1024 * 1024 + 2)],
  ['a part that is a view into a larger buffer', randomBytes(4099).subarray(7, 4007)],
];

describe('the UploadLayerPart body encoded natively', () => {
  it.each(PARTS)('puts on the wire the same body, content-length and body hash as the SDK for %s', async (_name, part) => {
    const sdk = await sendPart(false, part);
    const native = await sendPart(true, part);
    expect(native.body.equals(sdk.body)).toBe(true);
    expect(native.headers['content-length']).toBe(String(sdk.body.length));
    expect(native.headers['x-amz-content-sha256']).toBe(sdk.headers['x-amz-content-sha256']);
    expect(JSON.parse(native.body.toString('utf8')).layerPartBlob).toBe(Buffer.from(part).toString('base64'));
  });

  it('reads consecutive parts into one body buffer, encodes each in place, and still sends the SDK\'s bytes', async () => {
    const bytes = randomBytes(11_000);
    const parts = [bytes.subarray(0, 5000), bytes.subarray(5000, 10_000), bytes.subarray(10_000)];
    const sdk = await sendParts(false, parts);
    const buffer = Buffer.alloc(bodyBufferSize(5000));
    const reader = streamReader(Readable.from([bytes.subarray(0, 333), bytes.subarray(333)]));
    const seen: Buffer[] = [];
    const native = await sendParts(true, parts, async () => {
      const part = await readEncodedPart(reader, buffer, 5000, (raw) => seen.push(Buffer.from(raw)));
      expect(part?.buffer).toBe(buffer);
      return part!;
    });
    for (const [i, n] of native.entries()) {
      expect(n.body.equals(sdk[i]!.body)).toBe(true);
      expect(n.headers['content-length']).toBe(String(sdk[i]!.body.length));
    }
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    expect(await readEncodedPart(reader, buffer, 5000)).toBeUndefined();
  });

  it('resumes inside a part with exactly the bytes after the resume point', () => {
    const bytes = randomBytes(1000);
    for (const skip of [1, 2, 3, 500, 999]) {
      expect(partBytes(partAfter(encodePart(bytes), skip)).equals(bytes.subarray(skip))).toBe(true);
    }
  });

  it('sends the part\'s bytes inline to a client without the body middleware', () => {
    const part = Uint8Array.of(1, 2, 3);
    const input = partCommandInput({}, { repositoryName: 'app', uploadId: 'u', partFirstByte: 0, partLastByte: 2 }, encodePart(part));
    expect(Buffer.from(input.layerPartBlob!).equals(Buffer.from(part))).toBe(true);
  });

  it('refuses to send an UploadLayerPart whose part was lost, instead of an empty body', async () => {
    const { client, sent } = recordingClient(true);
    const send = client.send(new UploadLayerPartCommand({
      repositoryName: 'app', uploadId: 'u', partFirstByte: 0, partLastByte: 2, layerPartBlob: new Uint8Array(0),
    }));
    await expect(send).rejects.toBeInstanceOf(PartBodyError);
    client.destroy();
    expect(sent).toEqual([]);
  });

  it('refuses a serialized body without the placeholder, or with it twice, and copies one too long to build in place', () => {
    const part = encodePart(Uint8Array.of(1));
    expect(() => withPart('{"uploadId":"u"}', part)).toThrow(PartBodyError);
    expect(() => withPart('{"layerPartBlob":"","layerPartBlob":""}', part)).toThrow(PartBodyError);
    expect(withPart(Buffer.from('{"layerPartBlob":"","x":1}'), part).toString()).toBe('{"layerPartBlob":"AQ==","x":1}');
    expect(withPart(Buffer.from(`{"x":"${'y'.repeat(10_000)}","layerPartBlob":""}`), part).toString()).toBe(`{"x":"${'y'.repeat(10_000)}","layerPartBlob":"AQ=="}`);
  });
});
