/**
 * Any thrown error → an EcrPushError whose `name` selects a row of the exit-code table in
 * src/errors.ts. Pure: looks only at the error (and the abort signal), never at the network.
 */
import {
  CredentialsError,
  EcrPushError,
  InterruptedError,
  NetworkError,
  UsageError,
} from '../errors.js';

/** An ECR (or unknown) failure carried under its own name, e.g. RepositoryNotFoundException. */
export class EcrServiceError extends EcrPushError {
  constructor(name: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options);
    this.name = name;
  }
}

const CREDENTIAL_NAMES = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'TokenRefreshRequired',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'EPROTO',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** The HTTP handler's message when a socket went quiet for longer than its inactivity limit. */
const INACTIVITY = /timed out after (\d+) ms of inactivity/;
/** What the SDK names an answer it could not read as ECR's: HTML, an empty body, an unknown error shape. */
const NOT_ECR_NAMES = new Set(['SyntaxError', 'Unknown', 'UnknownError']);

export const CREDENTIALS_HINT =
  'the AWS default credential chain looked at: the environment (AWS_ACCESS_KEY_ID, ' +
  'AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the shared files ~/.aws/credentials and ~/.aws/config ' +
  '(profile from --profile or AWS_PROFILE, including SSO: run `aws sso login`), web identity ' +
  '(AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), the container credentials endpoint and instance metadata';

/** For credentials the chain found and AWS refused: where they came from matters less than what they are. */
const REJECTED_HINT =
  'credentials were found, but AWS refused them: check that the key id, secret and session token belong ' +
  'together and have not expired (`aws sts get-caller-identity` shows which ones are used); ' +
  'a clock far off also makes signatures fail';

const ACCESS_DENIED_HINT =
  'the credentials were accepted, but their identity may not make this call: grant it the ecr: actions ' +
  'README\'s "IAM permissions" lists for this command (and kms: ones for a KMS-encrypted repository)';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: unknown;
  $fault?: unknown;
  cause?: unknown;
}

function fieldOf(err: unknown, key: keyof ErrorLike): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as ErrorLike)[key];
  return typeof v === 'string' ? v : undefined;
}

/** Walk `cause` links (network errors are often wrapped). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 5; e = (e as ErrorLike).cause) {
    out.push(e);
    if (typeof e !== 'object') break;
  }
  return out;
}

function interruptedBy(signal: AbortSignal): InterruptedError {
  const reason: unknown = signal.reason;
  if (reason instanceof InterruptedError) return reason;
  return new InterruptedError(reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
}

/** Translate a thrown value into an error the CLI can map to an exit code and a one-line message. */
export function classify(err: unknown, signal?: AbortSignal): EcrPushError {
  if (signal?.aborted) return interruptedBy(signal);
  if (err instanceof EcrPushError) return err;
  const name = fieldOf(err, 'name') ?? 'Error';
  const message = fieldOf(err, 'message') ?? String(err);
  if (CREDENTIAL_NAMES.has(name)) {
    const text = name === 'CredentialsProviderError'
      ? 'no usable AWS credentials found'
      : `AWS rejected the credentials (${name})`;
    if (name === 'AccessDeniedException') {
      // The credentials were accepted; the identity lacks a permission.
      return new CredentialsError(`access denied: ${message}`, { cause: err, hint: ACCESS_DENIED_HINT });
    }
    return new CredentialsError(text, { cause: err, hint: name === 'CredentialsProviderError' ? CREDENTIALS_HINT : REJECTED_HINT });
  }
  if (/^Invalid Configuration:/.test(message)) {
    // The SDK refusing a combination of settings (AWS_USE_DUALSTACK_ENDPOINT or
    // AWS_USE_FIPS_ENDPOINT with a custom endpoint): the user's configuration, not a bug.
    return new UsageError(`the AWS SDK refused the configuration: ${message.replace(/^Invalid Configuration:\s*/, '')}`, {
      cause: err,
      hint: 'unset AWS_USE_DUALSTACK_ENDPOINT / AWS_USE_FIPS_ENDPOINT (or use_dualstack_endpoint / use_fips_endpoint in the profile), or drop the custom endpoint',
    });
  }
  if (/region is missing/i.test(message)) {
    return new UsageError('no AWS region configured', {
      cause: err,
      hint: 'pass --region, use the full ACCOUNT.dkr.ecr.REGION.amazonaws.com destination, or set AWS_REGION',
    });
  }
  for (const e of chain(err)) {
    const code = fieldOf(e, 'code');
    const n = fieldOf(e, 'name');
    const silent = n === 'TimeoutError' ? INACTIVITY.exec(fieldOf(e, 'message') ?? '') : null;
    if (silent) {
      return new NetworkError(`ECR sent nothing for ${Number(silent[1]) / 1000} s (--request-timeout)`, {
        cause: err,
        hint: 'check network access to ECR; when it is slow to answer rather than unreachable, raise --request-timeout',
      });
    }
    if ((code && NETWORK_CODES.has(code)) || (n && NETWORK_NAMES.has(n))) {
      return new NetworkError(`cannot reach ECR: ${code ?? n}${fieldOf(e, 'message') ? ` (${fieldOf(e, 'message')})` : ''}`, { cause: err });
    }
  }
  if (name === 'AbortError') return new InterruptedError('SIGINT');
  const isService = typeof err === 'object' && err !== null && ('$metadata' in err || '$fault' in err);
  if (isService && NOT_ECR_NAMES.has(name)) {
    const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
    if (typeof status === 'number' && status >= 500) {
      // A server error without ECR's error body (a load balancer, or ECR itself): as ServerException.
      return new EcrServiceError('ServerException', `ECR answered HTTP ${status} without an error it names (after retries)`, { cause: err });
    }
    return new EcrServiceError('EcrError', `the endpoint did not answer like ECR${typeof status === 'number' ? ` (HTTP ${status})` : ''}`, {
      cause: err,
      hint: 'check --endpoint-url (or AWS_ENDPOINT_URL_ECR): it must be an ECR API endpoint; -v shows each request',
    });
  }
  if (isService) {
    const serviceName = name === 'ECRServiceException' || name === 'Error' ? 'EcrError' : name;
    return new EcrServiceError(serviceName, message, { cause: err });
  }
  return new EcrServiceError('InternalError', message, { cause: err });
}
