/** The library API. The CLI is a thin layer over these three functions. */
export { push } from './push.js';
export { retag } from './retag.js';
export { inspect } from './inspect.js';
export type { PushOptions, RetagOptions, InspectOptions, AwsOptions, Compression } from './options.js';
export type { PushEvent, PushResult, PushStatus, EventSink } from './events.js';
export { EXIT_CODES, EcrPushError, UsageError, InputError, CredentialsError, NetworkError } from './errors.js';
