/**
 * Error knowledge as data: every failure the tool can report, its exit code and the hint shown
 * to the user. README's exit-code table is checked against EXIT_CODES by a test.
 */

export interface ExitCodeRow {
  code: number;
  /** Error names (ours or ECR's exception names) that map to this code. */
  names: string[];
  meaning: string;
  /**
   * What to do next after `ecr-push push`, shown under the failure line unless the error carries
   * its own hint (COMMAND_HINTS has the other commands' hints). `{repository}` is replaced by the
   * repository name when it is known. Input errors have none here: INPUT_HINTS gives one by the
   * error's `problem`, only where advice helps.
   */
  hint?: string;
}

/** The stable exit-code table. One row per code; order is the order shown to users. */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  { code: 0, names: ['ImageAlreadyExistsException'], meaning: 'pushed, or nothing to change (ImageAlreadyExistsException; tag already on this digest)' },
  { code: 1, names: ['InternalError'], meaning: 'internal error (a bug)', hint: 'this is a bug in ecr-push: run again with -v and report the output' },
  { code: 2, names: ['UsageError'], meaning: 'usage: bad arguments, invalid repository name, tag or reference', hint: 'run `ecr-push --help` for usage and examples' },
  { code: 3, names: ['InputError'], meaning: 'input: local image missing, unreadable, malformed, corrupt, or the selection is ambiguous' },
  { code: 4, names: ['CredentialsError'], meaning: 'credentials: none found, expired or invalid, access denied', hint: 'check AWS_PROFILE / --profile, `aws sts get-caller-identity`, and that the identity may call ECR' },
  { code: 5, names: ['NetworkError'], meaning: 'network: endpoint unreachable, TLS or DNS failure, timeouts after retries', hint: 'check --region, --endpoint-url and network access to ECR, then run again' },
  { code: 10, names: ['RepositoryNotFoundException'], meaning: 'RepositoryNotFoundException', hint: 'create it with `aws ecr create-repository --repository-name {repository}`, or pass --create-repository' },
  { code: 11, names: ['ImageTagAlreadyExistsException'], meaning: 'ImageTagAlreadyExistsException', hint: 'the repository\'s tags are immutable: push under tags it does not hold yet' },
  { code: 12, names: ['ImageDigestDoesNotMatchException'], meaning: 'ImageDigestDoesNotMatchException', hint: 'the manifest changed while pushing; run again, and report it if it repeats' },
  { code: 13, names: ['LayersNotFoundException'], meaning: 'LayersNotFoundException', hint: 'ECR lost uploaded layers (lifecycle policy or a parallel delete?); run again to re-upload them' },
  { code: 14, names: ['ReferencedImagesNotFoundException'], meaning: 'ReferencedImagesNotFoundException', hint: 'the index names manifests that are not in the repository; push every platform, or choose one with --platform' },
  { code: 15, names: ['InvalidParameterException'], meaning: 'InvalidParameterException', hint: 'ECR rejected a parameter; check the repository name, tags and --registry-id' },
  { code: 16, names: ['LimitExceededException'], meaning: 'LimitExceededException (after retries)', hint: 'an ECR quota was hit; lower --concurrency or ask for a quota increase, then run again' },
  { code: 17, names: ['KmsException'], meaning: 'KmsException', hint: 'the repository is encrypted with a KMS key: its key policy must allow your identity kms:GenerateDataKey and kms:Decrypt' },
  { code: 18, names: ['ServerException'], meaning: 'ServerException (after retries)', hint: 'ECR had an internal error; run again later (uploaded blobs are kept)' },
  { code: 20, names: ['InvalidLayerException'], meaning: 'InvalidLayerException', hint: 'a layer\'s bytes did not match its digest; check the source with `ecr-push inspect`' },
  { code: 21, names: ['InvalidLayerPartException'], meaning: 'InvalidLayerPartException (after resuming failed)', hint: 'ECR rejected an upload part again after resuming; run again (try a smaller --part-size)' },
  { code: 22, names: ['LayerPartTooSmallException'], meaning: 'LayerPartTooSmallException', hint: 'use a --part-size of at least 5MiB' },
  { code: 23, names: ['UploadNotFoundException'], meaning: 'UploadNotFoundException (after restarting the layer failed)', hint: 'the upload expired on ECR\'s side; run again' },
  { code: 24, names: ['EmptyUploadException'], meaning: 'EmptyUploadException', hint: 'a layer is empty; rebuild the image or report it' },
  { code: 25, names: ['EcrError'], meaning: 'any other ECR error (ThrottlingException after retries, an unlisted exception)', hint: 'run again with -v to see each request' },
  { code: 130, names: ['Interrupted'], meaning: 'interrupted by SIGINT', hint: 'run the same command again: blobs already uploaded are skipped' },
  { code: 143, names: ['Terminated'], meaning: 'interrupted by SIGTERM', hint: 'run the same command again: blobs already uploaded are skipped' },
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

/**
 * What an input error is about, where a hint helps: which image of several (`choice`), a path
 * that is not an image (`path`), or bytes that are not what the image says (`damaged`).
 */
export type InputProblem = 'choice' | 'path' | 'damaged';

/** The local image is missing, unreadable, malformed, corrupt, or the selection is ambiguous. Exit 3. */
export class InputError extends EcrPushError {
  override name = 'InputError';
  readonly problem?: InputProblem;
  constructor(message: string, options?: { cause?: unknown; hint?: string; problem?: InputProblem }) {
    super(message, options);
    if (options?.problem !== undefined) this.problem = options.problem;
  }
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

/**
 * The names ecr-push gives its own failures, as opposed to the names of AWS exceptions. They
 * select a row and appear in the JSON `error.name`, but are not shown on the failure line.
 */
const OWN_NAMES: ReadonlySet<string> = new Set([
  'InternalError', 'UsageError', 'InputError', 'CredentialsError', 'NetworkError', 'EcrError', 'Interrupted', 'Terminated',
]);

/**
 * True for an AWS exception name (RepositoryNotFoundException, ThrottlingException, ...); false
 * for ecr-push's own names and for what is not an answer from AWS: JavaScript error classes
 * (SyntaxError, TimeoutError: they end in "Error") and the SDK's `Unknown` for an unreadable reply.
 */
export function isAwsExceptionName(name: string): boolean {
  return !OWN_NAMES.has(name) && !name.endsWith('Error') && name !== 'Unknown';
}

/** The command that failed: hints name only options and next steps that command has. */
export type CommandName = 'push' | 'tag' | 'inspect';

/**
 * Hints of `tag` and `inspect` that differ from the table's (which are written for push): `tag`
 * has no --create-repository, --concurrency or local source, and `inspect` changes nothing.
 * `null`: no hint.
 */
const COMMAND_HINTS: Readonly<Record<Exclude<CommandName, 'push'>, Readonly<Record<string, string | null>>>> = {
  tag: {
    UsageError: 'run `ecr-push tag --help` for usage and examples',
    RepositoryNotFoundException: '`ecr-push tag` works on an image already in ECR: check the repository name, --region and --registry-id (`aws ecr describe-repositories` lists them)',
    ImageTagAlreadyExistsException: 'the repository\'s tags are immutable: a tag on another image cannot be moved; choose a tag that is not in use',
    ImageDigestDoesNotMatchException: 'ECR answered with another digest than the image\'s; run again, and report it if it repeats',
    LayersNotFoundException: 'the image\'s layers are no longer in the repository (lifecycle policy or a delete?); push the image again',
    ReferencedImagesNotFoundException: 'the index\'s platform manifests are no longer in the repository; push the image again',
    LimitExceededException: 'an ECR quota was hit; run again later, or ask for a quota increase',
    ServerException: 'ECR had an internal error; run again later',
    Interrupted: 'run the same command again: tags already put are left as they are',
    Terminated: 'run the same command again: tags already put are left as they are',
  },
  inspect: {
    UsageError: 'run `ecr-push inspect --help` for usage',
    Interrupted: null,
    Terminated: null,
  },
};

const PATH_HINT = 'check the path: a source is an OCI layout directory, a docker save or OCI archive, or - for standard input';
const DAMAGED_HINT = 'the source is damaged (cut short or changed since it was saved); save or export the image again';

/**
 * Hints for input errors, by their problem. The others need none: their message already says
 * what to do (decompress first, save with a newer Docker, pipe an archive in).
 */
const INPUT_HINTS: Readonly<Record<InputProblem, Readonly<Record<'push' | 'inspect', string>>>> = {
  // Which image? The message lists the choices; inspect shows what each one holds.
  choice: {
    push: '`ecr-push inspect <source>` shows the tags, platforms and layers of each image it holds',
    inspect: 'run `ecr-push inspect <source>` without --image to list every image',
  },
  path: { push: PATH_HINT, inspect: PATH_HINT },
  // Bytes that are not what the image says they are: the file was cut short or changed.
  damaged: { push: DAMAGED_HINT, inspect: DAMAGED_HINT },
};

/** The exit code for an error name (ours or an ECR exception name); unknown ECR names give 25. */
export function exitCodeForName(name: string): number {
  const row = EXIT_CODES.find((r) => r.names.includes(name));
  return row ? row.code : 25;
}

/** Hints for ECR exceptions outside the table (they exit 25 like any unlisted exception). */
const UNLISTED_HINTS: Readonly<Record<string, string>> = {
  ImageNotFoundException: 'check the tag or digest with `aws ecr describe-images --repository-name {repository}`',
};

/**
 * A push to a registry it names (--registry-id or the destination host) whose repository ECR does
 * not show: that registry may be another account's, so creating the repository is not the only answer.
 */
const NAMED_REGISTRY_HINT =
  '{repository} is not in registry {registry}, or this identity may not use it there: check the account ' +
  '(--registry-id or the destination host), or create the repository (--create-repository)';

/** What a hint is about: the command (default push), its repository and named registry, an input error's problem. */
export interface HintContext {
  command?: CommandName;
  repository?: string;
  registryId?: string;
  problem?: InputProblem;
}

/** The hint for an error name, with `{repository}` and `{registry}` filled in (or a placeholder when unknown). */
export function hintForName(name: string, context: HintContext = {}): string | undefined {
  const hint = hintTemplate(name, context);
  return hint?.replaceAll('{repository}', context.repository ?? 'REPOSITORY').replaceAll('{registry}', context.registryId ?? 'REGISTRY');
}

function hintTemplate(name: string, { command = 'push', registryId, problem }: HintContext): string | null | undefined {
  if (command !== 'push' && name in COMMAND_HINTS[command]) return COMMAND_HINTS[command][name];
  if (command === 'push' && name === 'RepositoryNotFoundException' && registryId !== undefined) return NAMED_REGISTRY_HINT;
  return tableHint(name, command, problem);
}

function tableHint(name: string, command: CommandName, problem: InputProblem | undefined): string | undefined {
  if (name === 'InputError') return problem === undefined ? undefined : INPUT_HINTS[problem][command === 'inspect' ? 'inspect' : 'push'];
  const row = EXIT_CODES.find((r) => r.names.includes(name));
  return row ? row.hint : (UNLISTED_HINTS[name] ?? EXIT_CODES.find((r) => r.names.includes('EcrError'))?.hint);
}
