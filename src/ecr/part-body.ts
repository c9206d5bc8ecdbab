/**
 * The UploadLayerPart body, base64-encoded by Node instead of the AWS SDK, in place.
 *
 * Why this exists: the SDK's JSON serializer base64-encodes `layerPartBlob` in a JavaScript loop
 * into a buffer rounded up to a power of two (32 MiB for a 20 MiB part), and the body is then a
 * third copy of the part. Here a part is read into the end of one body buffer and encoded forward
 * into that same buffer, leaving room before and after the base64 for the rest of the JSON: the
 * part's raw bytes and its body never exist side by side.
 *
 * The command goes through the SDK with an empty `layerPartBlob` while the encoded part travels
 * beside it (a WeakMap keyed by the command input, so it cannot leak into anything else); a
 * `build`-step middleware, which runs before signing, writes the serialized JSON around the
 * base64 and sets `content-length`. Signing, retries, endpoints and error parsing stay the SDK's,
 * and the bytes on the wire are the same (a unit test compares them with the SDK's own).
 *
 * It fails safe: a body without the placeholder exactly once, or an UploadLayerPart with an empty
 * blob and no part beside it, is an internal error instead of a wrong request.
 */
import type { ECRClient, UploadLayerPartCommandInput } from '@aws-sdk/client-ecr';
import type { ByteReader } from '../image/byte-reader.js';

const PLACEHOLDER = Buffer.from('"layerPartBlob":""');
const KEY = Buffer.from('"layerPartBlob":"');
/** Room before and after the base64 for the JSON around it (names, ids and offsets: well under this). */
const HEAD = 4096;
const TAIL = 4096;
/**
 * Encode in slices of this many bytes: a multiple of 3, so only the last slice is padded, and
 * small enough (64 KiB of base64) that each slice's string dies young in V8's new space
 * instead of piling up as large objects until a full collection.
 */
const SLICE = 3 * 16 * 1024;

/** A part encoded in its body buffer: base64 of `size` bytes at [at, at + length) of `buffer`. */
export interface EncodedPart {
  buffer: Buffer;
  at: number;
  length: number;
  size: number;
}

/** A bug in building a part's body: never sent, reported as an internal error (exit 1). */
export class PartBodyError extends Error {
  override name = 'InternalError';
}

/** Bytes of a body buffer for parts of up to `partSize` bytes. */
export function bodyBufferSize(partSize: number): number {
  return HEAD + 4 * Math.ceil(partSize / 3) + TAIL;
}

/**
 * Base64-encode the `size` bytes at `buffer[rawAt..]` forward into `buffer[HEAD..]`. Safe in
 * place when the raw bytes end at the buffer's end: the output of each slice ends before the
 * raw bytes still to be encoded start, because rawAt >= HEAD + size / 3.
 */
function encodeInPlace(buffer: Buffer, rawAt: number, size: number): EncodedPart {
  let out = HEAD;
  for (let i = 0; i < size; i += SLICE) {
    out += buffer.write(buffer.toString('base64', rawAt + i, rawAt + Math.min(i + SLICE, size)), out, 'latin1');
  }
  const length = out - HEAD;
  if (length !== 4 * Math.ceil(size / 3)) throw new PartBodyError(`base64 of ${size} bytes took ${length} bytes`);
  return { buffer, at: HEAD, length, size };
}

/**
 * Read the next part (up to `partSize` bytes) from `reader` into `buffer` and encode it there.
 * `seen` gets the raw bytes before they are overwritten. Undefined when the reader is at its end.
 */
export async function readEncodedPart(
  reader: ByteReader, buffer: Buffer, partSize: number, seen?: (raw: Buffer) => void,
): Promise<EncodedPart | undefined> {
  if (buffer.length < bodyBufferSize(partSize)) throw new PartBodyError(`a body buffer of ${buffer.length} bytes cannot hold a ${partSize}-byte part`);
  const rawAt = buffer.length - partSize;
  const size = await reader.read(buffer.subarray(rawAt));
  if (size === 0) return undefined;
  seen?.(buffer.subarray(rawAt, rawAt + size));
  return encodeInPlace(buffer, rawAt, size);
}

/** The raw bytes of an encoded part (decoded again: for resuming mid-part and for stub clients). */
export function partBytes(part: EncodedPart): Buffer {
  return Buffer.from(part.buffer.toString('latin1', part.at, part.at + part.length), 'base64');
}

/** A part of `bytes`, encoded in a new buffer of its own. */
export function encodePart(bytes: Uint8Array): EncodedPart {
  const buffer = Buffer.allocUnsafe(bodyBufferSize(bytes.length));
  const rawAt = buffer.length - bytes.length;
  buffer.set(bytes, rawAt);
  return encodeInPlace(buffer, rawAt, bytes.length);
}

/** The part without its first `skip` bytes, encoded in a new buffer of its own. */
export function partAfter(part: EncodedPart, skip: number): EncodedPart {
  return encodePart(partBytes(part).subarray(skip));
}

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new PartBodyError('UploadLayerPart was serialized to an unexpected body type');
}

/** The serialized body with the placeholder replaced by the part's base64, built around it in place. */
export function withPart(serialized: unknown, part: EncodedPart): Buffer {
  const bytes = bytesOf(serialized);
  const at = bytes.indexOf(PLACEHOLDER);
  if (at < 0 || bytes.indexOf(PLACEHOLDER, at + 1) >= 0) {
    throw new PartBodyError('the UploadLayerPart body does not hold the layerPartBlob placeholder exactly once');
  }
  const prefix = bytes.subarray(0, at + KEY.length);
  const suffix = bytes.subarray(at + KEY.length);
  const start = part.at - prefix.length;
  const end = part.at + part.length + suffix.length;
  if (start < 0 || end > part.buffer.length) {
    return Buffer.concat([prefix, part.buffer.subarray(part.at, part.at + part.length), suffix]);
  }
  prefix.copy(part.buffer, start);
  suffix.copy(part.buffer, part.at + part.length);
  return part.buffer.subarray(start, end);
}

interface BuildRequest {
  body?: unknown;
  headers: Record<string, string>;
}

function setBody(request: BuildRequest, body: Buffer): void {
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'content-length') delete request.headers[name];
  }
  request.body = body;
  request.headers['content-length'] = String(body.length);
}

const partsByInput = new WeakMap<object, EncodedPart>();
const clientsWithNativeBody = new WeakSet<object>();

/** Add the body middleware to a client; parts sent through it skip the SDK's base64 loop. */
export function installPartBody(client: Pick<ECRClient, 'middlewareStack'>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'UploadLayerPartCommand') return next(args);
      const input = args.input as UploadLayerPartCommandInput;
      const part = partsByInput.get(input);
      if (part === undefined) {
        if (input.layerPartBlob?.length === 0) throw new PartBodyError('UploadLayerPart has an empty blob and no part beside it');
        return next(args);
      }
      setBody(args.request as BuildRequest, withPart((args.request as BuildRequest).body, part));
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'ecrPushNativePartBody' },
  );
  clientsWithNativeBody.add(client);
}

/**
 * The UploadLayerPart input for `part`: with an empty blob and the part beside it when `client`
 * has the body middleware, else with the part's bytes inline (any other sender, e.g. a test
 * stub). The body is built in the part's buffer: send one part per buffer at a time.
 */
export function partCommandInput(
  client: object,
  fields: Omit<UploadLayerPartCommandInput, 'layerPartBlob'>,
  part: EncodedPart,
): UploadLayerPartCommandInput {
  if (!clientsWithNativeBody.has(client)) return { ...fields, layerPartBlob: partBytes(part) };
  const input: UploadLayerPartCommandInput = { ...fields, layerPartBlob: new Uint8Array(0) };
  partsByInput.set(input, part);
  return input;
}
