import { describe, expect, it } from 'vitest';
import { parseArgs, parsePartSize } from '../../src/cli.js';
import { UsageError } from '../../src/errors.js';

describe('command line → library options', () => {
  it('treats push as the default command and maps every push flag to PushOptions', async () => {
    const inv = await parseArgs([
      './image.tar', 'team/app:v1', '-t', '1.2.3', '--tag', 'latest,stable', '--image', '2', '--platform', 'linux/arm64/v8',
      '--compression', 'gzip', '--part-size', '8MiB', '--concurrency', '6', '--create-repository', '--dry-run',
      '--profile', 'ci', '--region', 'eu-west-1', '--registry-id', '123456789012', '--endpoint-url', 'http://127.0.0.1:4566',
      '--max-attempts', '5', '--json', '--digest-file', 'd.txt', '-v', '--no-color',
    ]);
    expect(inv).toEqual({
      command: 'push',
      options: {
        source: './image.tar', destination: 'team/app:v1', tags: ['1.2.3', 'latest', 'stable'], image: '2',
        platform: 'linux/arm64/v8', compression: 'gzip', partSize: 8 * 1024 * 1024, concurrency: 6,
        createRepository: true, dryRun: true, profile: 'ci', region: 'eu-west-1', registryId: '123456789012',
        endpointUrl: 'http://127.0.0.1:4566', maxAttempts: 5,
      },
      flags: { json: true, quiet: false, verbose: true, color: false, digestFile: 'd.txt' },
    });
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
    [['a'], /missing required argument 'destination'/],
    [['a', 'b', 'c'], /too many arguments/],
    [['tag', 'app:v1'], /missing required argument 'new-tags'/],
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
});
