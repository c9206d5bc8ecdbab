/**
 * The UploadLayerPart body, base64-encoded by Node instead of the AWS SDK.
 *
 * Why this exists: the SDK's JSON serializer base64-encodes `layerPartBlob` in a JavaScript loop
 * into a buffer rounded up to a power of two (32 MiB for a 20 MiB part). That loop was about a
 * third of a push's CPU time and the buffer a large part of its peak memory. Here the command
 * goes through the SDK with an empty `layerPartBlob` while the part travels beside it (a WeakMap
 * keyed by the command input, so it cannot leak into anything else); a `build`-step middleware,
 * which runs before signing, swaps the serialized `"layerPartBlob":""` for the part encoded by
 * Node's native base64 into one exactly-sized buffer, and sets `content-length`. Signing,
 * retries, endpoints and error parsing stay the SDK's, and the bytes on the wire are the same.
 *
 * It fails safe: a body without the placeholder exactly once, or an UploadLayerPart with an empty
 * blob and no part beside it, is an internal error instead of a wrong request.
 */
import type { ECRClient, UploadLayerPartCommandInput } from '@aws-sdk/client-ecr';

const PLACEHOLDER = Buffer.from('"layerPartBlob":""');
const KEY = Buffer.from('"layerPartBlob":"');
/**
 * Encode in slices of this many bytes: a multiple of 3, so only the last slice is padded, and
 * small enough (64 KiB of base64) that each slice's string dies young in V8's new space
 * instead of piling up as large objects until a full collection.
 */
const SLICE = 3 * 16 * 1024;

/** One body buffer reused for consecutive parts of one upload (each sent after the last settled). */
export interface BodyScratch {
  buffer?: Buffer;
}

interface PartBeside {
  part: Uint8Array;
  scratch?: BodyScratch;
}

const partsByInput = new WeakMap<object, PartBeside>();
const clientsWithNativeBody = new WeakSet<object>();

/** A bug in building a part's body: never sent, reported as an internal error (exit 1). */
export class PartBodyError extends Error {
  override name = 'InternalError';
}

/** A buffer of exactly `size` bytes: the scratch buffer's start when it is large enough. */
function bodyBuffer(size: number, scratch: BodyScratch | undefined): Buffer {
  if (scratch === undefined) return Buffer.allocUnsafe(size);
  if (scratch.buffer === undefined || scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafeSlow(size);
  return scratch.buffer.subarray(0, size);
}

/** Base64 of `part` after `prefix` and before `suffix`, in a buffer of exactly that size. */
export function encodeBetween(prefix: Uint8Array, part: Uint8Array, suffix: Uint8Array, scratch?: BodyScratch): Buffer {
  const encodedLength = 4 * Math.ceil(part.length / 3);
  const body = bodyBuffer(prefix.length + encodedLength + suffix.length, scratch);
  body.set(prefix, 0);
  const src = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  let at = prefix.length;
  for (let i = 0; i < src.length; i += SLICE) {
    at += body.write(src.toString('base64', i, Math.min(i + SLICE, src.length)), at, 'latin1');
  }
  if (at !== prefix.length + encodedLength) throw new PartBodyError(`base64 of ${part.length} bytes took ${at - prefix.length} bytes`);
  body.set(suffix, at);
  return body;
}

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new PartBodyError('UploadLayerPart was serialized to an unexpected body type');
}

/** The serialized body with the placeholder replaced by the part's base64. */
export function withPart(serialized: unknown, part: Uint8Array, scratch?: BodyScratch): Buffer {
  const bytes = bytesOf(serialized);
  const at = bytes.indexOf(PLACEHOLDER);
  if (at < 0 || bytes.indexOf(PLACEHOLDER, at + 1) >= 0) {
    throw new PartBodyError('the UploadLayerPart body does not hold the layerPartBlob placeholder exactly once');
  }
  const valueStart = at + KEY.length;
  return encodeBetween(bytes.subarray(0, valueStart), part, bytes.subarray(valueStart), scratch);
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

/** Add the body middleware to a client; parts sent through it skip the SDK's base64 loop. */
export function installPartBody(client: Pick<ECRClient, 'middlewareStack'>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'UploadLayerPartCommand') return next(args);
      const input = args.input as UploadLayerPartCommandInput;
      const beside = partsByInput.get(input);
      if (beside === undefined) {
        if (input.layerPartBlob?.length === 0) throw new PartBodyError('UploadLayerPart has an empty blob and no part beside it');
        return next(args);
      }
      setBody(args.request as BuildRequest, withPart((args.request as BuildRequest).body, beside.part, beside.scratch));
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'ecrPushNativePartBody' },
  );
  clientsWithNativeBody.add(client);
}

/**
 * The UploadLayerPart input for `part`: with an empty blob and the part beside it when `client`
 * has the body middleware, else with the part inline (any other sender, e.g. a test stub). The
 * body is built in `scratch` when given: send the next part only after this one has settled.
 */
export function partCommandInput(
  client: object,
  fields: Omit<UploadLayerPartCommandInput, 'layerPartBlob'>,
  part: Uint8Array,
  scratch?: BodyScratch,
): UploadLayerPartCommandInput {
  if (!clientsWithNativeBody.has(client)) return { ...fields, layerPartBlob: part };
  const input: UploadLayerPartCommandInput = { ...fields, layerPartBlob: new Uint8Array(0) };
  partsByInput.set(input, scratch ? { part, scratch } : { part });
  return input;
}
