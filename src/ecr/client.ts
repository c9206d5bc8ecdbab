/**
 * ECR client setup. The SDK is loaded with a dynamic import on first use, so `--version` and
 * `inspect` never load it. A per-attempt middleware reports each request as a `request` event
 * (call, attempt, request id, status, time) and never looks at headers that carry secrets.
 * UploadLayerPart bodies are base64-encoded natively (see part-body.ts).
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { AwsOptions } from '../options.js';
import type { EventSink } from '../events.js';
import { installPartBody } from './part-body.js';

/** The subset of the SDK client the transport uses: `send` with an abort signal. */
export interface EcrSender {
  send: ECRClient['send'];
}

export interface ClientOptions extends AwsOptions {
  /** Region taken from the destination host; `region` wins when both are set. */
  hostRegion?: string;
  onEvent?: EventSink;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

interface AttemptArgs {
  request?: { headers?: Record<string, string> };
}
interface AttemptOutput {
  response?: { statusCode?: number; headers?: Record<string, string> };
}
interface AttemptError {
  name?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** `amz-sdk-request: attempt=2; max=3` → 2. */
function attemptOf(args: AttemptArgs): number {
  const header = args.request?.headers?.['amz-sdk-request'] ?? '';
  const m = /attempt=(\d+)/.exec(header);
  return m ? Number(m[1]) : 1;
}

export async function createEcrClient(opts: ClientOptions): Promise<ECRClient> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [{ ECRClient }, { fromNodeProviderChain }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/credential-providers'),
  ]);
  const region = opts.region ?? opts.hostRegion;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const client = new ECRClient({
    ...(region ? { region } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
    credentials: fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
  });
  installPartBody(client);
  const onEvent = opts.onEvent;
  if (onEvent) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const started = Date.now();
        const call = String(context.commandName ?? 'Request').replace(/Command$/, '');
        const attempt = attemptOf(args as AttemptArgs);
        try {
          const out = await next(args);
          const res = (out as AttemptOutput).response;
          onEvent({
            type: 'request', call, attempt, ms: Date.now() - started,
            ...(res?.statusCode !== undefined ? { status: res.statusCode } : {}),
            ...(res?.headers?.['x-amzn-requestid'] ? { requestId: res.headers['x-amzn-requestid'] } : {}),
          });
          return out;
        } catch (err) {
          const e = err as AttemptError;
          onEvent({
            type: 'request', call, attempt, ms: Date.now() - started, error: e.name ?? 'Error',
            ...(e.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}),
            ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}),
          });
          throw err;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'ecrPushRequestEvents' },
    );
  }
  return client;
}

/** The region the client resolved (option, destination host, or the SDK chain). */
export async function resolvedRegion(client: ECRClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}
