import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, parsePartSize } from '../../src/cli.js';
import { UsageError } from '../../src/errors.js';
import { scratchDir } from '../helpers/scratch.js';

describe('command line → library options', () => {
  it('treats push as the default command and maps every push flag to PushOptions', async () => {
    const inv = await parseArgs([
      './image.tar', 'team/app:v1', '-t', '1.2.3', '--tag', 'latest,stable', '--image', '2', '--platform', 'linux/arm64/v8',
      '--compression', 'gzip', '--part-size', '8MiB', '--concurrency', '6', '--create-repository', '--dry-run',
      '--layers-from', 'latest', '--layers-from', `sha256:${'a'.repeat(64)}`, '--profile', 'ci', '--region', 'eu-west-1', '--registry-id', '123456789012', '--endpoint-url', 'http://127.0.0.1:4566',
      '--max-attempts', '5', '--json', '--digest-file', 'd.txt', '-v', '--no-color',
    ]);
    expect(inv).toEqual({
      command: 'push',
      options: {
        source: './image.tar', destination: 'team/app:v1', tags: ['1.2.3', 'latest', 'stable'], image: '2',
        platform: 'linux/arm64/v8', compression: 'gzip', partSize: 8 * 1024 * 1024, concurrency: 6,
        createRepository: true, dryRun: true, layersFrom: ['latest', `sha256:${'a'.repeat(64)}`], profile: 'ci', region: 'eu-west-1', registryId: '123456789012',
        endpointUrl: 'http://127.0.0.1:4566', maxAttempts: 5,
      },
      flags: { json: true, quiet: false, verbose: true, color: false, digestFile: 'd.txt' },
    });
  });

  it('refuses a --layers-from that is neither a tag nor a sha256 digest, naming the flag', async () => {
    for (const bad of ['no/slashes', 'sha256:short', '']) {
      await expect(parseArgs(['./image.tar', 'app:v1', '--layers-from', bad])).rejects.toThrow(/--layers-from got ".*": expected a tag/);
    }
  });

  it('accepts the explicit push command and leaves unset options out', async () => {
    expect(await parseArgs(['push', '-', 'app', '-q'])).toEqual({
      command: 'push',
      options: { source: '-', destination: 'app' },
      flags: { json: false, quiet: true, verbose: false, color: true },
    });
  });

  it('maps tag <reference> <new-tags...> with the AWS flags to RetagOptions', async () => {
    expect(await parseArgs(['tag', 'app@sha256:abc', 'v2', 'stable', '--region', 'us-east-1', '--json'])).toEqual({
      command: 'tag',
      options: { reference: 'app@sha256:abc', tags: ['v2', 'stable'], region: 'us-east-1' },
      flags: { json: true, quiet: false, verbose: false, color: true },
    });
  });

  it('maps inspect <source> --image --platform --json to InspectOptions', async () => {
    expect(await parseArgs(['inspect', 'x.tar', '--image', 'app:v1', '--platform', 'linux/amd64', '--json'])).toEqual({
      command: 'inspect',
      options: { source: 'x.tar', image: 'app:v1', platform: 'linux/amd64' },
      json: true,
    });
  });

  it.each([
    [['a', 'b', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 32, got 0/],
    [['a', 'b', '--concurrency', '33'], /--concurrency must be a whole number from 1 to 32/],
    [['a', 'b', '--concurrency', '2.5'], /--concurrency/],
    [['a', 'b', '--max-attempts', 'many'], /--max-attempts must be a whole number/],
    [['a', 'b', '--part-size', '4MiB'], /--part-size must be from 5242880 \(5 MiB\) to 20971520/],
    [['a', 'b', '--part-size', '21MiB'], /--part-size must be from 5242880 \(5 MiB\) to 20971520/],
    [['a', 'b', '--part-size', 'big'], /--part-size must be a size/],
    [['a', 'b', '--compression', 'zstd'], /--compression must be auto, gzip or none/],
    [['a', 'b', '--platform', 'arm64'], /--platform "arm64" is not os\/arch\[\/variant\]/],
    [['a', 'b', '--registry-id', '1234'], /--registry-id must be a 12-digit/],
    [['a', 'b', '--endpoint-url', 'localhost:4566'], /--endpoint-url must be an http/],
    [['a', 'b', '-q', '-v'], /cannot be used with/],
    [['a', 'b', '--nope'], /unknown option '--nope'/],
    [['help', 'bogus'], /^unknown command 'bogus'$/],
    [['pus', 'a', 'b'], /^unknown command 'pus' \(commands: push, tag, inspect\), and no file or directory of that name$/],
    [['a', 'b', '--request-timeout', '0'], /^--request-timeout must be a whole number of seconds from 1 to 3600, got 0$/],
    [['a'], /missing required argument 'destination'/],
    [['./x.tar', 'b', 'c'], /too many arguments/],
    [['tag', 'app:v1'], /missing required argument 'new-tags'/],
    [['a', 'b', '--region', 'not_a_region'], /^--region 'not_a_region' is not an AWS region: regions are lower-case/],
    [['tag', 'app:v1', 'v2', '--region', 'us east 1'], /^--region 'us east 1' is not an AWS region/],
    [['a', 'b', '--region', ''], /^--region is empty/],
    [['a', 'b', '--profile', ''], /^--profile must not be empty$/],
    [['a', 'b', '--image', ''], /^--image must not be empty$/],
    [['a', 'b', '--digest-file', ''], /^--digest-file must not be empty$/],
    [['a', 'b', '--digest-file', 'no-such-dir/digest.txt'], /^--digest-file 'no-such-dir\/digest.txt': directory 'no-such-dir' does not exist$/],
    [['a', 'b', '--digest-file', '.'], /^--digest-file '.' is a directory$/],
    [['a', 'b', '-t', ''], /^-t\/--tag got an empty tag in ''$/],
    [['a', 'b', '-t', 'a,,b'], /^-t\/--tag got an empty tag in 'a,,b'$/],
    [['a', 'b', '-t', 'v1,'], /^-t\/--tag got an empty tag/],
    [['a', 'b', '-t', '-bad'], /^invalid tag "-bad"/],
    [['a', '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1', '--registry-id', '999999999999'], /^--registry-id 999999999999 contradicts the account 111122223333/],
    [['tag', '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1', 'v2', '--registry-id', '999999999999'], /contradicts the account 111122223333/],
    [['a', '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1', '--region', 'eu-west-1'], /^--region eu-west-1 contradicts the region us-east-1/],
  ])('rejects %j with a one-line usage error (exit 2)', async (argv, message) => {
    const err = await parseArgs(argv).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(message);
    expect((err as UsageError).message).not.toContain('\n');
  });

  it('reads part sizes as bytes or with binary and decimal units', () => {
    expect(parsePartSize('5242880')).toBe(5 * 1024 * 1024);
    expect(parsePartSize('20MiB')).toBe(20 * 1024 * 1024);
    expect(parsePartSize('10m')).toBe(10 * 1024 * 1024);
    expect(parsePartSize('6MB')).toBe(6_000_000);
  });

  it('accepts --registry-id naming the same account as the destination host', async () => {
    const inv = await parseArgs(['a', '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1', '--registry-id', '111122223333'], {});
    expect(inv?.command === 'push' && inv.options.registryId).toBe('111122223333');
  });
});

describe('AWS settings from the environment, checked before anything runs', () => {
  async function usageError(argv: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
    return parseArgs(argv, env).then(() => undefined, (e: unknown) => {
      expect(e).toBeInstanceOf(UsageError);
      return (e as UsageError).message;
    });
  }

  it.each([
    [{ AWS_REGION: 'us east 1' }, "AWS_REGION 'us east 1' is not an AWS region: regions are lower-case letters, digits and single hyphens, such as eu-west-1"],
    [{ AWS_REGION: '' }, 'AWS_REGION is empty: name an AWS region such as eu-west-1'],
    [{ AWS_ENDPOINT_URL_ECR: 'garbage' }, "AWS_ENDPOINT_URL_ECR must be an http:// or https:// URL, got 'garbage'"],
    [{ AWS_ENDPOINT_URL: 'localhost:4566' }, "AWS_ENDPOINT_URL must be an http:// or https:// URL, got 'localhost:4566'"],
    [{ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'yes' }, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must be true or false, got 'yes'"],
  ])('refuses %j with a usage error naming the variable, for push and tag', async (env, message) => {
    expect(await usageError(['image.tar', 'app:v1'], env)).toBe(message);
    expect(await usageError(['tag', 'app:v1', 'v2'], env)).toBe(message);
  });

  it.each([
    ['--region wins over AWS_REGION', ['app:v1', '--region', 'eu-west-1'], { AWS_REGION: 'us east 1' }],
    ['the destination host names the region', ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1'], { AWS_REGION: 'us east 1' }],
    ['--endpoint-url wins over the variables', ['app:v1', '--endpoint-url', 'http://127.0.0.1:4566'], { AWS_ENDPOINT_URL_ECR: 'garbage', AWS_ENDPOINT_URL: 'garbage' }],
    ['AWS_ENDPOINT_URL_ECR wins over AWS_ENDPOINT_URL', ['app:v1'], { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'garbage' }],
    ['an empty AWS_ENDPOINT_URL_ECR is unset for the SDK too', ['app:v1'], { AWS_ENDPOINT_URL_ECR: '', AWS_ENDPOINT_URL: 'https://ecr.example' }],
    ['the SDK ignores configured endpoints', ['app:v1'], { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_ECR: 'garbage' }],
    ['AWS_DEFAULT_REGION is not read by the SDK', ['app:v1'], { AWS_DEFAULT_REGION: 'us east 1' }],
  ])('accepts what the SDK will not use: %s', async (_why, args, env) => {
    expect(await parseArgs(['image.tar', ...args], env)).toMatchObject({ command: 'push' });
  });

  it('accepts a --digest-file in an existing directory, which it does not create', async () => {
    const file = join(scratchDir('ecr-push-args'), 'digest.txt');
    expect(await parseArgs(['image.tar', 'app:v1', '--digest-file', file], {})).toMatchObject({ flags: { digestFile: file } });
  });
});
