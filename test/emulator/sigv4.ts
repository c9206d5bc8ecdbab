/**
 * AWS Signature Version 4 verification for the JSON API, done the way AWS does it: rebuild the
 * canonical request from what arrived, derive the signing key from the known secret, compare.
 * The payload hash is always the sha256 of the body as received, so a body changed in flight or a
 * false `x-amz-content-sha256` header fails like a wrong secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from './errors.js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. '/' or '/?a=b'. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Hex sha256 of the body bytes as received. */
  bodySha256: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'ecr';
/** AWS rejects signatures more than 5 minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

const missingToken = () => new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', {}, 403);
const incomplete = (message: string) => new AwsError('IncompleteSignatureException', message, {}, 400);
const invalidSignature = (message: string) => new AwsError('InvalidSignatureException', message, {}, 403);
const unrecognizedClient = () =>
  new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', {}, 403);

interface AuthorizationParts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

/** Throws the AwsError AWS would answer with, or returns when the request is correctly signed. */
export function verifySignature(
  req: SignedRequest,
  credentials: SigningCredentials,
  region: string,
  now: Date = new Date(),
): void {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined) throw missingToken();
  const auth = parseAuthorization(authorization);
  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (auth.accessKeyId !== credentials.accessKeyId) throw unrecognizedClient();
  if (headerValue(req.headers, 'x-amz-security-token') !== credentials.sessionToken) throw unrecognizedClient();
  checkScope(auth, amzDate, region);
  checkClock(amzDate, now);
  if (!auth.signedHeaders.includes('host')) {
    throw invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const canonical = canonicalRequest(req, auth.signedHeaders);
  const scope = `${auth.date}/${auth.region}/${auth.service}/${auth.terminator}`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(credentials.secretAccessKey, auth.date, region, SERVICE);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

function parseAuthorization(header: string): AuthorizationParts {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'`);
  const params = new Map<string, string>();
  for (const piece of header.slice(space + 1).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) params.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((p) => !params.get(p));
  if (missing.length > 0) {
    throw incomplete(missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));
  }
  const credential = params.get('Credential')!.split('/');
  if (credential.length !== 5) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.get('Credential')}'`);
  }
  const [accessKeyId, date, scopeRegion, service, terminator] = credential as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region: scopeRegion,
    service,
    terminator,
    signedHeaders: params.get('SignedHeaders')!.split(';'),
    signature: params.get('Signature')!,
  };
}

function checkScope(auth: AuthorizationParts, amzDate: string, region: string): void {
  if (auth.date !== amzDate.slice(0, 8)) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (auth.region !== region) throw invalidSignature(`Credential should be scoped to a valid region, not '${auth.region}'. `);
  if (auth.service !== SERVICE) throw invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'. `);
  if (auth.terminator !== 'aws4_request') {
    throw invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `);
  }
}

function checkClock(amzDate: string, now: Date): void {
  const signedAt = Date.UTC(
    Number(amzDate.slice(0, 4)), Number(amzDate.slice(4, 6)) - 1, Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)), Number(amzDate.slice(11, 13)), Number(amzDate.slice(13, 15)),
  );
  if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) {
    throw invalidSignature(`Signature expired: ${amzDate} is now earlier or later than the server time by more than 5 minutes.`);
  }
}

/** The canonical request of SigV4 for a non-S3 service (path segments encoded once more). */
export function canonicalRequest(req: SignedRequest, signedHeaders: string[]): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const headers = [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(headerValue(req.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [req.method, canonicalPath(path), canonicalQuery(query), headers, [...signedHeaders].sort().join(';'), req.bodySha256].join('\n');
}

function canonicalPath(path: string): string {
  return path.split('/').map(rfc3986).join('/') || '/';
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      return [rfc3986(key), rfc3986(value)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
