/**
 * Command line → library options, then one top-level catch decides the exit code.
 * Nothing runs at import time; the AWS SDK, ora and chalk are loaded only inside actions so that
 * `--help` and `--version` stay fast.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT_CODES, UsageError } from './errors.js';
import { parsePlatformFlag } from './image/select.js';
import { DEFAULT_REQUEST_TIMEOUT, validCompression, validConcurrency, validMaxAttempts, validPartSize, validRequestTimeout } from './plan/options.js';
import type { AwsOptions, Compression, InspectOptions, PushOptions, RetagOptions } from './options.js';
import { chooseRegistryId, parseImageId, registryHost, validateRegion, validateTag } from './reference.js';
import type { RunFlags } from './report/run.js';
import { abortOnSignals } from './report/signals.js';
import { keepYoungGenerationSmall } from './young-generation.js';

export type Invocation =
  | { command: 'push'; options: PushOptions; flags: RunFlags }
  | { command: 'tag'; options: RetagOptions; flags: RunFlags }
  | { command: 'inspect'; options: InspectOptions; json: boolean };

const MiB = 1024 * 1024;
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: MiB, mb: 1e6, mib: MiB, g: 1024 * MiB, gb: 1e9, gib: 1024 * MiB };

/** `--part-size`: bytes, or a number with a unit (`20MiB`, `5242880`, `8M`); the range is the library's. */
export function parsePartSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`--part-size must be a size such as 20MiB or 10485760, got '${text}'`);
  return validPartSize(Math.round(Number(m[1]) * unit))!;
}

/** A whole number for `flag`, then checked by the library's own validator. */
function wholeNumber(flag: string, check: (n: number) => number | undefined): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number, got '${text}'`);
    return check(Number(text))!;
  };
}

/** `--platform`: checked by the image selection's own parser, kept as text for the library. */
function parsePlatform(text: string): string {
  parsePlatformFlag(text);
  return text;
}

function parseRegistryId(text: string): string {
  if (!/^\d{12}$/.test(text)) throw new UsageError(`--registry-id must be a 12-digit AWS account id, got '${text}'`);
  return text;
}

/** An endpoint URL named by `from` (`--endpoint-url`, or the environment variable the SDK would read). */
function checkEndpoint(text: string, from: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${from} must be an http:// or https:// URL, got '${text}'`);
  }
  return text;
}

function parseEndpoint(text: string): string {
  return checkEndpoint(text, '--endpoint-url');
}

function parseRegion(text: string): string {
  validateRegion(text, '--region');
  return text;
}

/** A value that an empty string would silently turn into "not given". */
function nonEmpty(flag: string): (text: string) => string {
  return (text) => {
    if (text.trim() === '') throw new UsageError(`${flag} must not be empty`);
    return text;
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `--digest-file`: written after the push, so a path that cannot be a file is refused before it. */
function parseDigestFile(text: string): string {
  nonEmpty('--digest-file')(text);
  if (isDirectory(text)) throw new UsageError(`--digest-file '${text}' is a directory`);
  if (!isDirectory(dirname(text))) throw new UsageError(`--digest-file '${text}': directory '${dirname(text)}' does not exist`);
  return text;
}

/** `-t a -t b,c` → [a, b, c]; an empty tag (`-t ''`, `-t a,,b`) or an invalid one is a usage error. */
function collectTags(text: string, previous: string[] = []): string[] {
  const tags = text.split(',').map((t) => t.trim());
  if (tags.includes('')) throw new UsageError(`-t/--tag got an empty tag in '${text}'`);
  for (const t of tags) validateTag(t);
  return [...previous, ...tags];
}

/** `--layers-from a --layers-from sha256:…`: tags or digests of images in the destination repository. */
function collectImageIds(text: string, previous: string[] = []): string[] {
  const id = text.trim();
  parseImageId(id, '--layers-from');
  return [...previous, id];
}

/**
 * Where the push goes, checked before anything runs so that a bad value is a usage error naming
 * the flag or variable rather than an SDK failure after the image is read: --registry-id against
 * the account in the destination host, and what the AWS SDK would take from the environment:
 * AWS_REGION (when neither --region nor the destination host names the region), and
 * AWS_ENDPOINT_URL_ECR, else AWS_ENDPOINT_URL (when --endpoint-url is not given). The SDK reads
 * no other region variable (AWS_DEFAULT_REGION is the AWS CLI's).
 */
function checkAwsSettings(reference: string, o: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  chooseRegistryId(reference, o.registryId as string | undefined);
  const hostRegion = registryHost(reference)?.region;
  if (o.region !== undefined && hostRegion !== undefined && o.region !== hostRegion) {
    throw new UsageError(`--region ${String(o.region)} contradicts the region ${hostRegion} in "${reference}"`, {
      hint: 'drop --region, or name the same region in both',
    });
  }
  if (o.region === undefined && hostRegion === undefined && env.AWS_REGION !== undefined) {
    validateRegion(env.AWS_REGION, 'AWS_REGION');
  }
  if (o.endpointUrl !== undefined) return;
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  if (ignore !== undefined && ignore !== 'true' && ignore !== 'false') {
    throw new UsageError(`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must be true or false, got '${ignore}'`);
  }
  if (ignore === 'true') return;
  // The SDK's order; an empty variable counts as unset.
  for (const name of ['AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL']) {
    const value = env[name];
    if (value) {
      checkEndpoint(value, name);
      return;
    }
  }
}

function addAwsOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)', nonEmpty('--profile'))
    .option('--region <region>', 'AWS region (default: from the destination host, AWS_REGION or the profile)', parseRegion)
    .option('--registry-id <account>', '12-digit account id of the registry (default: the caller\'s account)', parseRegistryId)
    .option('--endpoint-url <url>', 'ECR endpoint to use instead of the AWS one', parseEndpoint)
    .option('--max-attempts <n>', 'attempts per AWS request, throttling and 5xx included (default 3)', wholeNumber('--max-attempts', validMaxAttempts))
    .option('--request-timeout <seconds>', `give a request up after this many seconds without a byte sent or received (default ${DEFAULT_REQUEST_TIMEOUT})`, wholeNumber('--request-timeout', validRequestTimeout));
}

function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print exactly one JSON object on stdout (also on failure)')
    .option('--digest-file <file>', 'write the image digest to this file', parseDigestFile)
    .addOption(new Option('-q, --quiet', 'print only the result').conflicts('verbose'))
    .option('-v, --verbose', 'log every AWS request and retry; stack traces on failure')
    .option('--no-color', 'no colours (NO_COLOR and FORCE_COLOR are honoured too)');
}

function addSelectOptions(cmd: Command, platformDoes: string): Command {
  return cmd
    .option('--image <name|n>', 'which image of a multi-image source: a tag it holds, or its 1-based position', nonEmpty('--image'))
    .option('--platform <os/arch[/variant]>', `${platformDoes} only this platform's manifest from an index`, parsePlatform);
}

function awsOptions(o: Record<string, unknown>): AwsOptions {
  return defined({
    profile: o.profile as string | undefined,
    region: o.region as string | undefined,
    registryId: o.registryId as string | undefined,
    endpointUrl: o.endpointUrl as string | undefined,
    maxAttempts: o.maxAttempts as number | undefined,
    requestTimeout: o.requestTimeout as number | undefined,
  });
}

function runFlags(o: Record<string, unknown>): RunFlags {
  return defined({
    json: o.json === true,
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    color: o.color !== false,
    digestFile: o.digestFile as string | undefined,
  });
}

/** Drop keys whose value is undefined (exactOptionalPropertyTypes-friendly, and cleaner to compare in tests). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The exit-code table as shown by `--help`, generated from EXIT_CODES. */
export function exitCodeHelp(): string {
  return EXIT_CODES.map((r) => `  ${String(r.code).padEnd(5)}${r.meaning}`).join('\n');
}

const EXAMPLES = `Examples:
  # push a docker save or OCI archive
  ecr-push ./image.tar my-repo:1.2.3
  # push from standard input under two tags
  docker save app | ecr-push - my-repo:latest -t 1.2.3
  # the full registry form names account and region
  ecr-push ./oci-layout 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1
  # one platform of a multi-platform index
  ecr-push ./image.tar app:v1 --platform linux/arm64
  # for scripts: one JSON object on stdout, the digest in a file
  ecr-push ./image.tar app:v1 --json --digest-file digest.txt
  # add tags to an image already in ECR
  ecr-push tag app:v1 stable latest
  # what would be pushed, without AWS
  ecr-push inspect ./image.tar`;

const TAG_EXAMPLES = `Examples:
  # put the image under app:v1 also under stable and latest
  ecr-push tag app:v1 stable latest
  # tag an image by its digest, in a script
  ecr-push tag app@sha256:… release-42 --json`;

function buildProgram(found: (inv: Invocation) => void, env: NodeJS.ProcessEnv): Command {
  const program = new Command('ecr-push')
    .description('Push a local container image (OCI layout or docker save tarball) to Amazon ECR without a Docker daemon')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {}, outputError: () => {} });

  const push = program
    .command('push', { isDefault: true })
    .summary('push a local image to ECR (the default command)')
    .description('Push a local image to ECR: upload only the blobs ECR lacks, then put the manifest under each tag.')
    .argument('<source>', 'OCI layout directory, OCI or docker-save archive (plain or compressed), or - for stdin')
    .argument('<destination>', 'repo[:tag], repo@sha256:…, or ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag]')
    .option('-t, --tag <tag>', 'another tag to put (repeat, or separate with commas)', collectTags);
  addSelectOptions(push, 'push')
    .option('--compression <auto|gzip|none>', 'uncompressed layers: gzip them on the way (auto, gzip) or push them as they are (none); default auto', validCompression)
    .option('--part-size <size>', 'bytes per upload part, 5MiB to 20MiB (default: what ECR offers, at most 20MiB)', parsePartSize)
    .option('--concurrency <n>', 'blobs uploaded at once, 1 to 32 (default 4)', wholeNumber('--concurrency', validConcurrency))
    .option('--create-repository', 'create the repository when it does not exist')
    .option('--layers-from <tag|digest>', 'look for layers the compression cache does not know in this image of the repository too (tag or sha256 digest; repeat)', collectImageIds)
    .option('--dry-run', 'read the image and ask ECR what is missing, but upload and put nothing');
  addOutputOptions(addAwsOptions(push)).action((source: string, destination: string, o: Record<string, unknown>) => {
    checkAwsSettings(destination, o, env);
    const options: PushOptions = defined({
      source,
      destination,
      tags: o.tag as string[] | undefined,
      image: o.image as string | undefined,
      platform: o.platform as string | undefined,
      compression: o.compression as Compression | undefined,
      partSize: o.partSize as number | undefined,
      concurrency: o.concurrency as number | undefined,
      createRepository: o.createRepository as boolean | undefined,
      layersFrom: o.layersFrom as string[] | undefined,
      dryRun: o.dryRun as boolean | undefined,
      ...awsOptions(o),
    });
    found({ command: 'push', options, flags: runFlags(o) });
  });

  const tag = program
    .command('tag')
    .summary('add tags to an image already in ECR')
    .description('Add tags to an image already in ECR (same repository), keeping the manifest byte for byte.')
    .argument('<reference>', 'repo:tag or repo@sha256:… (or the full registry host form)')
    .argument('<new-tags...>', 'tags to add');
  addOutputOptions(addAwsOptions(tag)).action((reference: string, tags: string[], o: Record<string, unknown>) => {
    checkAwsSettings(reference, o, env);
    found({ command: 'tag', options: { reference, tags, ...awsOptions(o) }, flags: runFlags(o) });
  });

  const inspect = program
    .command('inspect')
    .summary('show what a local image holds, without AWS')
    .argument('<source>', 'OCI layout directory, archive, or - for stdin')
    .option('--json', 'print JSON');
  addSelectOptions(inspect, 'show').action((source: string, o: Record<string, unknown>) => {
    const options: InspectOptions = defined({ source, image: o.image as string | undefined, platform: o.platform as string | undefined });
    found({ command: 'inspect', options, json: o.json === true });
  });

  const tail = (examples: string): string => `\n${examples}\n\nExit codes:\n${exitCodeHelp()}\n`;
  program.addHelpText('after', () => `\n${pushOptionsHelp(push)}${tail(EXAMPLES)}`);
  push.addHelpText('after', tail(EXAMPLES));
  tag.addHelpText('after', tail(TAG_EXAMPLES));
  return program;
}

/** The top-level help shows the default command's options too, so `ecr-push --help` is enough. */
function pushOptionsHelp(push: Command): string {
  const help = push.createHelp();
  const options = help.visibleOptions(push);
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`);
  return `Options of push (ecr-push [push] <source> <destination>):\n${lines.join('\n')}\n`;
}

/**
 * Parse the command line. Resolves to undefined when help or the version was printed.
 * Throws UsageError for anything the user typed wrong (commander's own errors included), and
 * for a bad region or endpoint in `env` that the AWS SDK would use.
 */
export async function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Invocation | undefined> {
  let invocation: Invocation | undefined;
  const program = buildProgram((inv) => {
    invocation = inv;
  }, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return undefined;
      // `help <name>` for a command that does not exist: commander says only "(outputHelp)".
      if (err.code === 'commander.help') throw new UsageError(`unknown command '${argv[argv.indexOf('help') + 1] ?? ''}'`);
      // `ecr-push pus a b` reaches the default command with one argument too many.
      const first = argv[0];
      if (err.code === 'commander.excessArguments' && first !== undefined && /^[a-z]+$/.test(first) && !existsSync(first)) {
        throw new UsageError(`unknown command '${first}' (commands: push, tag, inspect), and no file or directory of that name`);
      }
      throw new UsageError(err.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' '));
    }
    throw err;
  }
  if (invocation === undefined) {
    // `ecr-push` alone: show the help and fail like any other usage error.
    throw new UsageError('missing <source> and <destination>');
  }
  return invocation;
}

/**
 * Nothing but the tool speaks on stdout and stderr: Node's process warnings and anything the AWS
 * SDK prints through `console` (credential-source, region and socket warnings, some of them
 * printed even when a logger is given) are dropped. The tool itself writes to the streams.
 */
function silenceWarnings(): void {
  // Read-only when Node itself was started with --no-deprecation (e.g. in NODE_OPTIONS).
  if (!process.noDeprecation) process.noDeprecation = true;
  process.removeAllListeners('warning');
  const quiet = (): void => undefined;
  for (const method of ['log', 'info', 'debug', 'trace', 'warn', 'error'] as const) console[method] = quiet;
}

/** Run the command line; resolves to the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  // Listening from the start: a signal while the rest loads is reported like one during the push.
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  silenceWarnings();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // A reader that goes away (`ecr-push … | head -c0`) is not a failure of the push.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  const { runInvocation, reportFailure } = await import('./report/run.js');
  try {
    const invocation = await parseArgs(argv);
    if (invocation?.command === 'push') keepYoungGenerationSmall();
    return invocation === undefined ? 0 : await runInvocation(invocation, controller);
  } catch (err) {
    const [first, second] = argv;
    const command = first === 'inspect' || first === 'tag' ? first : 'push';
    const source = command === 'inspect' && second !== undefined && !second.startsWith('-') ? second : '';
    return reportFailure(err, argv.includes('--json'), command, source);
  } finally {
    stopListening();
  }
}
