/**
 * Every row of the exit-code table, through the real CLI against the emulator: each ECR exception
 * injected on the call that throws it, plus missing credentials, a closed port, a bad reference
 * and a corrupt archive. Each asserts the exit code, the stderr lines (the AWS exception named,
 * ecr-push's own error names not) and the --json object.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type Fault } from '../emulator/index.js';
import { cleanEnv, closedPort, notBuilt, runCli, sharedImages, type CliRun, removeHomes } from './run-cli.js';

const images = sharedImages();
const skip = notBuilt() ?? (images ? undefined : '../shared/images is absent');
const layout = images && join(images, 'tool-made', 'oci-layout');

interface ErrorObject {
  status: string;
  repository: string;
  blobs: { total: number; uploaded: number; skipped: number; bytesUploaded: number };
  error?: { name: string; exitCode: number; message: string };
}

/** The single JSON object on stdout. */
function jsonOf(run: CliRun): ErrorObject {
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as ErrorObject;
}

/** ecr-push's own error names: in the JSON, never on the failure line. */
const OWN_NAMES = ['InputError', 'UsageError', 'CredentialsError', 'NetworkError', 'InternalError', 'EcrError'];

/**
 * The failure lines: `ecr-push: …` ending with ` (Name)` for an AWS exception and with no name of
 * ecr-push's own, then `hint: …` (none when `hint` is undefined), and no stack trace.
 */
function expectFailureLines(run: CliRun, name: string, hint: RegExp | undefined): void {
  const lines = run.stderr.trimEnd().split('\n');
  const at = lines.findIndex((l) => l.startsWith('ecr-push: '));
  expect(at, run.stderr).toBeGreaterThanOrEqual(0);
  if (OWN_NAMES.includes(name)) expect(lines[at]).not.toMatch(/ \([A-Za-z]+(Error|Exception)\)$/);
  else expect(lines[at]).toMatch(new RegExp(` \\(${name}\\)$`));
  if (hint === undefined) {
    expect(lines.slice(at + 1)).toEqual([]);
  } else {
    expect(lines[at + 1]).toMatch(/^hint: /);
    expect(lines[at + 1]).toMatch(hint);
    expect(lines.slice(at + 2)).toEqual([]);
  }
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(skip)(`exit codes of the real CLI against the emulator${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let n = 0;

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu?.stop();
    removeHomes();
  });

  /** Push the fixture to a fresh repository with `fault` injected; --max-attempts 2 keeps retries short. */
  async function pushWith(fault: Fault | undefined, extra: string[] = []): Promise<{ run: CliRun; repo: string }> {
    n += 1;
    const repo = `row/r${n}`;
    emu.createRepository(repo);
    emu.clearFaults();
    if (fault) emu.addFault(fault);
    const run = await runCli([layout!, `${repo}:v1`, '--json', '--max-attempts', '2', ...extra], { env: cleanEnv(emu.env) });
    emu.clearFaults();
    return { run, repo };
  }

  it('0: a push prints the object with status pushed, and ImageAlreadyExistsException on PutImage counts as unchanged', async () => {
    const first = await pushWith(undefined);
    expect(first.run.code, first.run.stderr).toBe(0);
    expect(jsonOf(first.run)).toMatchObject({ status: 'pushed', repository: first.repo });
    expect(first.run.stderr).not.toContain('ecr-push:');
    const again = await pushWith({ call: 'PutImage', kind: { exception: 'ImageAlreadyExistsException' } });
    expect(again.run.code, again.run.stderr).toBe(0);
    expect(jsonOf(again.run).status).toBe('unchanged');
  });

  it.each([
    [10, 'RepositoryNotFoundException', 'BatchCheckLayerAvailability', /aws ecr create-repository --repository-name row\/r\d+`, or pass --create-repository/],
    [11, 'ImageTagAlreadyExistsException', 'PutImage', /tags it does not hold yet/],
    [12, 'ImageDigestDoesNotMatchException', 'PutImage', /run again/],
    [13, 'LayersNotFoundException', 'PutImage', /re-upload/],
    [14, 'ReferencedImagesNotFoundException', 'PutImage', /--platform/],
    [15, 'InvalidParameterException', 'PutImage', /parameter/],
    [16, 'LimitExceededException', 'PutImage', /quota/],
    [17, 'KmsException', 'InitiateLayerUpload', /key policy/],
    [18, 'ServerException', 'PutImage', /run again later/],
    [20, 'InvalidLayerException', 'CompleteLayerUpload', /inspect/],
    [21, 'InvalidLayerPartException', 'UploadLayerPart', /part/],
    [22, 'LayerPartTooSmallException', 'CompleteLayerUpload', /--part-size/],
    [23, 'UploadNotFoundException', 'UploadLayerPart', /run again/],
    [24, 'EmptyUploadException', 'CompleteLayerUpload', /empty/],
    [25, 'ThrottlingException', 'BatchCheckLayerAvailability', /-v/],
  ])('%i: %s on %s exits with its code, one failure line, one hint and the error object', async (code, name, call, hint) => {
    const { run, repo } = await pushWith({ call, kind: { exception: name, message: `injected ${name}` } });
    expect(run.code, run.stderr).toBe(code);
    expectFailureLines(run, name, hint);
    const obj = jsonOf(run);
    expect(obj).toMatchObject({ status: 'error', repository: repo, error: { name, exitCode: code } });
    expect(run.stderr).toContain(`ecr-push: ${obj.error!.message} (${name})\n`);
  });

  it('11 without injection: an immutable tag that names another image fails and advises tags it does not hold yet', async () => {
    emu.createRepository('row/immutable', 'IMMUTABLE');
    const env = cleanEnv(emu.env);
    const other = join(images!, 'tool-made', 'oci-layout-zstd');
    expect((await runCli([other, 'row/immutable:v1'], { env })).code).toBe(0);
    const run = await runCli([layout!, 'row/immutable:v1', '--json'], { env });
    expect(run.code, run.stderr).toBe(11);
    expectFailureLines(run, 'ImageTagAlreadyExistsException', /tags it does not hold yet/);
    expect(jsonOf(run).error).toMatchObject({ name: 'ImageTagAlreadyExistsException', exitCode: 11 });
  });

  it('10 with a registry named: the hint asks to check the account before creating the repository', async () => {
    const run = await runCli([layout!, 'not/there:v1', '--registry-id', '999999999999'], { env: cleanEnv(emu.env) });
    expect(run.code).toBe(10);
    expectFailureLines(run, 'RepositoryNotFoundException', /not\/there is not in registry 999999999999, or this identity may not use it there: check the account/);
  });

  it('10 without injection: pushing to a repository that does not exist names the create command', async () => {
    const run = await runCli([layout!, 'not/there:v1'], { env: cleanEnv(emu.env) });
    expect(run.code).toBe(10);
    expectFailureLines(run, 'RepositoryNotFoundException', /aws ecr create-repository --repository-name not\/there/);
    expect(run.stdout).toBe('');
  });

  it('2: a bad repository name is a usage error, before any request', async () => {
    const calls = emu.calls.length;
    const run = await runCli([layout!, 'Bad_Repo!:v1', '--json'], { env: cleanEnv(emu.env) });
    expect(run.code).toBe(2);
    expectFailureLines(run, 'UsageError', /--help/);
    expect(jsonOf(run)).toMatchObject({ status: 'error', error: { name: 'UsageError', exitCode: 2 } });
    expect(emu.calls.length).toBe(calls);
  });

  it('3: a corrupt archive and a missing source are input errors, each with the hint that fits it', async () => {
    const env = cleanEnv(emu.env);
    const corrupt = join(env.HOME!, 'corrupt.tar');
    const archive = readFileSync(join(images!, 'tool-made', 'docker-archive.tar'));
    writeFileSync(corrupt, archive.subarray(0, Math.floor(archive.length / 2)));
    const run = await runCli([corrupt, 'row/any:v1', '--json'], { env });
    expect(run.code, run.stderr).toBe(3);
    expectFailureLines(run, 'InputError', /damaged.*save or export the image again/);
    expect(jsonOf(run)).toMatchObject({ status: 'error', error: { name: 'InputError', exitCode: 3 } });

    const missing = await runCli([join(env.HOME!, 'no-such.tar'), 'row/any:v1'], { env });
    expect(missing.code).toBe(3);
    expectFailureLines(missing, 'InputError', /check the path/);

    const xz = join(env.HOME!, 'image.tar.xz');
    writeFileSync(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]));
    const compressed = await runCli([xz, 'row/any:v1'], { env });
    expect(compressed.code).toBe(3);
    expectFailureLines(compressed, 'InputError', undefined); // the message already says how to decompress
    expect(compressed.stderr).toMatch(/xz-compressed.*decompress it first/);
  });

  it('4: no credentials anywhere says where the default chain looked', async () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, ...noCreds } = emu.env;
    emu.createRepository('row/creds');
    const run = await runCli([layout!, 'row/creds:v1', '--json'], { env: cleanEnv(noCreds) });
    expect(run.code, run.stderr).toBe(4);
    expectFailureLines(run, 'CredentialsError', /AWS_ACCESS_KEY_ID.*~\/\.aws\/credentials/);
    expect(jsonOf(run)).toMatchObject({ status: 'error', error: { name: 'CredentialsError', exitCode: 4 } });
  });

  it('4: credentials the endpoint rejects are a credentials error too, and no secret is printed', async () => {
    emu.createRepository('row/badcreds');
    const env = cleanEnv({ ...emu.env, AWS_SECRET_ACCESS_KEY: 'wrongSecretwrongSecretwrongSecret0000000' });
    const run = await runCli([layout!, 'row/badcreds:v1', '-v'], { env });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/^ecr-push: AWS rejected the credentials \(InvalidSignatureException\)\n/m);
    expect(run.stderr).toMatch(/^hint: credentials were found, but AWS refused them/m);
    expect(run.stderr).not.toContain('(CredentialsError)');
    expect(run.stderr).not.toContain('wrongSecret');
    expect(run.stderr).not.toContain(emu.env.AWS_SESSION_TOKEN);
  });

  it('5: an endpoint that accepts connections and never answers is given up after --request-timeout, not waited on forever', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const env = cleanEnv({ ...emu.env, AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
      const started = Date.now();
      const run = await runCli([layout!, 'row/silent:v1', '--json', '--max-attempts', '2', '--request-timeout', '1'], { env });
      expect(run.code, run.stderr).toBe(5);
      expect(Date.now() - started).toBeLessThan(20_000);
      expectFailureLines(run, 'NetworkError', /raise --request-timeout/);
      expect(jsonOf(run).error).toMatchObject({ name: 'NetworkError', exitCode: 5, message: 'ECR sent nothing for 1 s (--request-timeout)' });
      expect(sockets.length).toBeGreaterThan(1); // the attempt was retried on a new connection
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('5: a closed port is a network error after the retries; the object names the repository and registry', async () => {
    const port = await closedPort();
    const env = cleanEnv({ ...emu.env, AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}` });
    const destination = '123456789012.dkr.ecr.us-east-1.amazonaws.com/row/net:v1';
    const run = await runCli([layout!, destination, '--json', '--max-attempts', '2'], { env });
    expect(run.code, run.stderr).toBe(5);
    expectFailureLines(run, 'NetworkError', /--endpoint-url/);
    expect(jsonOf(run)).toMatchObject({ status: 'error', repository: 'row/net', registryId: '123456789012', error: { name: 'NetworkError', exitCode: 5 } });
  });
});
