/**
 * Error knowledge as data: every failure the tool can report, its exit code and the hint shown
 * to the user. README's exit-code table is checked against EXIT_CODES by a test.
 */

export interface ExitCodeRow {
  code: number;
  /** Error names (ours or ECR's exception names) that map to this code. */
  names: string[];
  meaning: string;
}

/** The stable exit-code table. One row per code; order is the order shown to users. */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  { code: 0, names: ['ImageAlreadyExistsException'], meaning: 'pushed, or nothing to change (ImageAlreadyExistsException; tag already on this digest)' },
  { code: 1, names: ['InternalError'], meaning: 'internal error (a bug)' },
  { code: 2, names: ['UsageError'], meaning: 'usage: bad arguments, invalid repository name, tag or reference' },
  { code: 3, names: ['InputError'], meaning: 'input: local image missing, unreadable, malformed, corrupt, or the selection is ambiguous' },
  { code: 4, names: ['CredentialsError'], meaning: 'credentials: none found, expired or invalid, access denied' },
  { code: 5, names: ['NetworkError'], meaning: 'network: endpoint unreachable, TLS or DNS failure, timeouts after retries' },
  { code: 10, names: ['RepositoryNotFoundException'], meaning: 'RepositoryNotFoundException' },
  { code: 11, names: ['ImageTagAlreadyExistsException'], meaning: 'ImageTagAlreadyExistsException' },
  { code: 12, names: ['ImageDigestDoesNotMatchException'], meaning: 'ImageDigestDoesNotMatchException' },
  { code: 13, names: ['LayersNotFoundException'], meaning: 'LayersNotFoundException' },
  { code: 14, names: ['ReferencedImagesNotFoundException'], meaning: 'ReferencedImagesNotFoundException' },
  { code: 15, names: ['InvalidParameterException'], meaning: 'InvalidParameterException' },
  { code: 16, names: ['LimitExceededException'], meaning: 'LimitExceededException (after retries)' },
  { code: 17, names: ['KmsException'], meaning: 'KmsException' },
  { code: 18, names: ['ServerException'], meaning: 'ServerException (after retries)' },
  { code: 20, names: ['InvalidLayerException'], meaning: 'InvalidLayerException' },
  { code: 21, names: ['InvalidLayerPartException'], meaning: 'InvalidLayerPartException (after resuming failed)' },
  { code: 22, names: ['LayerPartTooSmallException'], meaning: 'LayerPartTooSmallException' },
  { code: 23, names: ['UploadNotFoundException'], meaning: 'UploadNotFoundException (after restarting the layer failed)' },
  { code: 24, names: ['EmptyUploadException'], meaning: 'EmptyUploadException' },
  { code: 25, names: ['EcrError'], meaning: 'any other ECR error (ThrottlingException after retries, an unlisted exception)' },
  { code: 130, names: ['Interrupted'], meaning: 'interrupted by SIGINT' },
  { code: 143, names: ['Terminated'], meaning: 'interrupted by SIGTERM' },
];

/** Base of every error the tool raises on purpose. `name` selects the exit-code row. */
export class EcrPushError extends Error {
  /** A second line telling the user what to do next. */
  hint?: string;
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
  }
}

/** Bad arguments, an invalid repository name, tag or reference. Exit 2. */
export class UsageError extends EcrPushError {
  override name = 'UsageError';
}

/** The local image is missing, unreadable, malformed, corrupt, or the selection is ambiguous. Exit 3. */
export class InputError extends EcrPushError {
  override name = 'InputError';
}

/** No credentials, expired or invalid ones, or access denied. Exit 4. */
export class CredentialsError extends EcrPushError {
  override name = 'CredentialsError';
}

/** The endpoint could not be reached. Exit 5. */
export class NetworkError extends EcrPushError {
  override name = 'NetworkError';
}

/** Stopped by a signal. Exit 130 (SIGINT) or 143 (SIGTERM). */
export class InterruptedError extends EcrPushError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.name = signal === 'SIGINT' ? 'Interrupted' : 'Terminated';
  }
}

/** The exit code for an error name (ours or an ECR exception name); unknown ECR names give 25. */
export function exitCodeForName(name: string): number {
  const row = EXIT_CODES.find((r) => r.names.includes(name));
  return row ? row.code : 25;
}
