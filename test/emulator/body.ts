/**
 * Reading a JSON 1.1 request body: hashed while it arrives (for the SigV4 payload hash), and the
 * one large field, UploadLayerPart's base64 `layerPartBlob`, cut out and decoded in one pass
 * instead of going through JSON.parse as a 27 MiB string.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';

export interface ReceivedBody {
  bytes: Buffer;
  /** Hex sha256 of `bytes`. */
  sha256: string;
}

/** Collects the body, hashing each chunk as it comes. */
export function readBody(req: IncomingMessage): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), sha256: hash.digest('hex') }));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

const BLOB_KEY = Buffer.from('"layerPartBlob"');

/** Parses a JSON body; a `layerPartBlob` comes back decoded, as a Buffer. */
export function parseInput(bytes: Buffer): Record<string, unknown> {
  const span = findBlobString(bytes);
  if (span === undefined) return parseObject(bytes.length === 0 ? Buffer.from('{}') : bytes);
  const [start, end] = span;
  const blob = decodeBase64Strict(bytes.toString('latin1', start, end));
  const rest = Buffer.concat([bytes.subarray(0, start), bytes.subarray(end)]);
  return { ...parseObject(rest), layerPartBlob: blob };
}

/** Start and end (exclusive) of the layerPartBlob string's content, or undefined. */
function findBlobString(bytes: Buffer): [number, number] | undefined {
  const key = bytes.indexOf(BLOB_KEY);
  if (key < 0) return undefined;
  let i = key + BLOB_KEY.length;
  i = skipSpace(bytes, i);
  if (bytes[i] !== 0x3a /* : */) return undefined;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] !== 0x22 /* " */) return undefined;
  const start = i + 1;
  const end = bytes.indexOf(0x22, start);
  if (end < 0) throw serialization('Unterminated string for layerPartBlob');
  // An escape inside means a JSON-encoded string rather than plain base64: let JSON.parse decide.
  if (bytes.indexOf(0x5c /* \ */, start) !== -1 && bytes.indexOf(0x5c, start) < end) return undefined;
  return [start, end];
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** Base64 as the SDK sends it; anything that does not decode to the length it claims is refused. */
function decodeBase64Strict(text: string): Buffer {
  const decoded = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.length % 4 !== 0 || decoded.length !== (text.length / 4) * 3 - padding) {
    throw serialization('Invalid base64 in layerPartBlob');
  }
  return decoded;
}

function parseObject(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw serialization('Start of structure or map found where not expected.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw serialization('Start of structure or map found where not expected.');
  }
  const input = value as Record<string, unknown>;
  if (typeof input.layerPartBlob === 'string') {
    return { ...input, layerPartBlob: decodeBase64Strict(input.layerPartBlob) };
  }
  return input;
}

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}
