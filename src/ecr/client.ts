/**
 * ECR client setup. The SDK is loaded with a dynamic import on first use, so `--version` and
 * `inspect` never load it. A per-attempt middleware reports each request as a `request` event
 * (call, attempt, request id, status, time) and never looks at headers that carry secrets.
 * UploadLayerPart bodies are base64-encoded natively (see part-body.ts). The SDK is given a
 * logger that says nothing, so it never prints warnings of its own.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CredentialsError, UsageError } from '../errors.js';
import type { AwsOptions } from '../options.js';
import type { EventSink } from '../events.js';
import { REGION_RULE } from '../reference.js';
import { DEFAULT_REQUEST_TIMEOUT } from '../plan/options.js';
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

/**
 * A logger that drops everything. Not the SDK's NoOpLogger: some SDK code recognises that class
 * by name and prints to the console instead.
 */
const QUIET_LOGGER = {
  trace: (): void => undefined,
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
};

/** A shared AWS file: the path the SDK reads (`env` or `~/.aws/NAME`) and how to show it. */
function sharedFile(env: string, name: string): { path: string; shown: string } {
  const set = process.env[env];
  if (set) return { path: set.startsWith('~/') ? join(homedir(), set.slice(2)) : set, shown: set };
  return { path: join(homedir(), '.aws', name), shown: `~/.aws/${name}` };
}

/** Profile names in a shared file: `[name]` in credentials, `[profile name]` or `[default]` in config. */
async function profilesIn(path: string, isConfig: boolean): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*\[([^\[\]]+)\]\s*$/gm)) {
    const section = m[1]!.trim();
    const profile = isConfig ? /^profile\s+(.+)$/.exec(section)?.[1]?.trim() ?? (section === 'default' ? section : undefined) : section;
    if (profile !== undefined) names.push(profile);
  }
  return names;
}

/** The profile the user named (`--profile`, else AWS_PROFILE) and where, or undefined. */
function namedProfile(opts: ClientOptions): { profile: string; from: string } | undefined {
  if (opts.profile) return { profile: opts.profile, from: 'from --profile' };
  return process.env.AWS_PROFILE ? { profile: process.env.AWS_PROFILE, from: 'from AWS_PROFILE' } : undefined;
}

/** The error for a named profile that neither shared file defines, or undefined when one does. */
export async function missingProfile(profile: string, from: string): Promise<CredentialsError | undefined> {
  const config = sharedFile('AWS_CONFIG_FILE', 'config');
  const credentials = sharedFile('AWS_SHARED_CREDENTIALS_FILE', 'credentials');
  const known = [...new Set([...await profilesIn(config.path, true), ...await profilesIn(credentials.path, false)])];
  if (known.includes(profile)) return undefined;
  const envKeys = process.env.AWS_ACCESS_KEY_ID ? '; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not used when a profile is named' : '';
  return new CredentialsError(`profile '${profile}' (${from}) not found in ${config.shown} or ${credentials.shown}`, {
    hint: `${known.length ? `profiles there: ${known.join(', ')}` : 'neither file defines a profile'}${envKeys}`,
  });
}

/** `amz-sdk-request: attempt=2; max=3` → 2. */
function attemptOf(args: AttemptArgs): number {
  const header = args.request?.headers?.['amz-sdk-request'] ?? '';
  const m = /attempt=(\d+)/.exec(header);
  return m ? Number(m[1]) : 1;
}

export async function createEcrClient(opts: ClientOptions): Promise<ECRClient> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { ECRClient, fromNodeProviderChain } = await import('./sdk.js');
  const region = opts.region ?? opts.hostRegion;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const named = namedProfile(opts);
  const chain = fromNodeProviderChain({ ...(opts.profile ? { profile: opts.profile } : {}), logger: QUIET_LOGGER });
  // The chain goes on past a profile it cannot find (web identity, instance roles); only when
  // nothing worked does a missing profile become the error, since that is what the user named.
  const credentials: typeof chain = named === undefined ? chain : async (identity) => {
    try {
      return await chain(identity);
    } catch (err) {
      const missing = await missingProfile(named.profile, named.from);
      if (missing) throw Object.assign(missing, { cause: err });
      throw err;
    }
  };
  const client = new ECRClient({
    ...(region ? { region } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
    // The profile's settings (its region) too, not only its credentials.
    ...(opts.profile ? { profile: opts.profile } : {}),
    credentials,
    maxAttempts,
    retryMode: 'adaptive',
    logger: QUIET_LOGGER,
    // socketTimeout is the handler's inactivity limit (a write still draining is activity);
    // its requestTimeout only logs a warning when a whole request takes longer.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 1000 * (opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT), logger: QUIET_LOGGER },
  });
  await checkRegion(client, opts);
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

/**
 * A region the SDK refuses (`Region not accepted: … not a valid hostname component`) is a usage
 * error naming where it came from. The CLI checks --region and AWS_REGION before anything runs;
 * this catches the library's callers and a region in the shared config file. A missing region is
 * left to fail at the first request, as before.
 */
async function checkRegion(client: ECRClient, opts: ClientOptions): Promise<void> {
  try {
    await client.config.region();
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const profile = namedProfile(opts);
    if (/region is missing/i.test(message) && profile !== undefined) {
      // No region because the named profile, which would have given one, does not exist: say that.
      const missing = await missingProfile(profile.profile, profile.from);
      if (missing) throw Object.assign(missing, { cause: err });
    }
    const m = /Region not accepted: region="(.*)"/s.exec(message);
    if (!m) return;
    const named = opts.region !== undefined ? `--region '${m[1]}'`
      : opts.hostRegion !== undefined ? `region '${m[1]}' of the destination host`
        : process.env.AWS_REGION !== undefined ? `AWS_REGION '${m[1]}'`
          : `region '${m[1]}' of profile '${opts.profile || process.env.AWS_PROFILE || 'default'}' in ${sharedFile('AWS_CONFIG_FILE', 'config').shown}`;
    throw new UsageError(`${named} is not an AWS region: ${REGION_RULE}`, { cause: err });
  }
}

/** The region the client resolved (option, destination host, or the SDK chain). */
export async function resolvedRegion(client: ECRClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}
