/**
 * What people see: the terminal view in a real pseudo-terminal, the CI view (plain lines, no
 * control characters), -q, the result on stdout, --digest-file and GitHub Actions outputs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli, sharedImages, removeHomes } from './run-cli.js';
import { cliPid, noScript, runInTerminal } from './tty.js';

const images = sharedImages();
const skip = notBuilt() ?? (images ? undefined : '../shared/images is absent');
const layout = images && join(images, 'tool-made', 'oci-layout');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;
const DIGEST_URI = /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/[a-z0-9/]+@sha256:[0-9a-f]{64}$/;

describe.skipIf(skip)(`output of the real CLI${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emu: Emulator;
  let n = 0;
  let repo = '';

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu?.stop();
    removeHomes();
  });
  beforeEach(() => {
    n += 1;
    repo = `out/r${n}`;
    emu.createRepository(repo);
    emu.clearFaults();
    emu.setPartSize(20 * 1024 * 1024);
  });

  it('in CI: one plain line per event, periodic progress for a slow upload, no control characters; the reference alone on stdout', async () => {
    // 16 KiB parts held 700 ms each: the 203 KiB layer takes about 9 s, long enough for progress lines.
    emu.setPartSize(16 * 1024);
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 700 } });
    const run = await runCli([layout!, `${repo}:v1`, '--concurrency', '1'], { env: cleanEnv({ ...emu.env, CI: 'true', FORCE_COLOR: '1' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trimEnd()).toMatch(DIGEST_URI);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(CONTROL);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^pushing 4 blobs \\(.+\\) and 1 manifest to ${repo}:v1$`));
    expect(lines.filter((l) => l.startsWith('uploading sha256:'))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('uploaded sha256:'))).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^manifest sha256:[0-9a-f]{12} tag v1 put$/);
    const progress = lines.filter((l) => /^ {2}sha256:daf8a25b4f60 [\d.]+ KiB\/203\.0 KiB \d+% /.test(l));
    // At most one progress line per 5 s of that blob's upload.
    const seconds = Number(/^uploaded sha256:daf8a25b4f60 .* in ([\d.]+)s /m.exec(run.stderr)?.[1]);
    expect(seconds).toBeGreaterThan(5);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(Math.floor(seconds / 5) + 1);
  }, 60_000);

  it('in CI: a layer gzipped on the way is reported under the digest ECR holds it as, beside its source digest, also when skipped', async () => {
    const env = cleanEnv({ ...emu.env, CI: 'true' });
    const archive = join(images!, 'tool-made', 'docker-archive.tar');
    const run = await runCli([archive, `${repo}:v1`], { env });
    expect(run.code, run.stderr).toBe(0);
    const uploaded = run.stderr.split('\n').filter((l) => l.startsWith('uploaded '));
    const renamed = uploaded.map((l) => /^uploaded (sha256:[0-9a-f]{12}) as (sha256:[0-9a-f]{12}) /.exec(l)).filter((m) => m !== null);
    expect(renamed.length).toBeGreaterThan(0);
    // The config is sent as it is: its line has no second digest.
    expect(uploaded.length).toBe(renamed.length + 1);
    const held = emu.blobDigests(repo).map((d) => d.slice(0, 'sha256:'.length + 12));
    for (const [, source, stored] of renamed) {
      expect(held).toContain(stored);
      expect(held).not.toContain(source);
    }
    // Again, under another tag: the compression cache says what each layer became in ECR.
    const again = await runCli([archive, `${repo}:v2`], { env });
    expect(again.code, again.stderr).toBe(0);
    const skipped = again.stderr.split('\n').filter((l) => l.startsWith('skipped '));
    expect(skipped).toHaveLength(uploaded.length);
    const pairs = (found: (RegExpExecArray | null)[]): string[] => found.filter((m) => m !== null).map((m) => `${m[1]} as ${m[2]}`).sort();
    expect(pairs(skipped.map((l) => /^skipped (sha256:[0-9a-f]{12}) as (sha256:[0-9a-f]{12}) /.exec(l)))).toEqual(pairs(renamed));
  }, 60_000);

  it('in CI: a destination starting with another registry\'s host is pushed to ECR under that name, with a note saying so', async () => {
    emu.createRepository('docker.io/library/app');
    const run = await runCli([layout!, 'docker.io/library/app:v1'], { env: cleanEnv({ ...emu.env, CI: 'true' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^"docker\.io" looks like another registry's host, but ECR takes it as part of the repository name/m);
    expect(emu.tags('docker.io/library/app')).toHaveProperty('v1');
  }, 60_000);

  it('in a terminal: a spinner with per-blob progress, colour, finished and skipped blobs shown', async () => {
    const why = noScript();
    if (why) return void console.warn(`skipped: ${why}`);
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 1500 } });
    const env = cleanEnv(emu.env);
    // The config is pushed first on its own so that the second push shows it as skipped.
    const first = await runInTerminal([layout!, `${repo}:v1`], env);
    expect(first.code, first.screen).toBe(0);
    expect(first.screen).toContain('\u001b[?25l'); // ora hides the cursor while it spins
    expect(first.screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/); // spinner frames
    expect(first.screen).toMatch(/↑.* sha256:[0-9a-f]{12} 0 B\/[\d.]+ KiB 0%/); // a blob in flight with done/total
    expect(first.screen).toMatch(/\u001b\[32m✔\u001b\[39m uploaded sha256:[0-9a-f]{12}/); // green tick
    expect(first.screen).toMatch(/123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/out\/r\d+@sha256:[0-9a-f]{64}/);

    emu.clearFaults();
    const again = await runInTerminal([layout!, `${repo}:v2`], env);
    expect(again.code, again.screen).toBe(0);
    expect(again.screen.match(/skipped sha256:[0-9a-f]{12} .* \(already in the repository\)/g)).toHaveLength(4);
  }, 60_000);

  it('in a terminal: NO_COLOR and --no-color remove colours but keep the progress view', async () => {
    const why = noScript();
    if (why) return void console.warn(`skipped: ${why}`);
    for (const [args, extra] of [[['--no-color'], {}], [[], { NO_COLOR: '1' }]] as const) {
      const run = await runInTerminal([layout!, `${repo}:c${args.length}`, ...args], cleanEnv({ ...emu.env, ...extra }));
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/✔ (uploaded|skipped|manifest)/);
      expect(run.screen).not.toMatch(/\u001b\[(3\d|9\d|2|1)m/);
    }
  }, 60_000);

  it('in a terminal: Ctrl-C during an upload stops the spinner, shows the cursor again, says what was done and exits 130', async () => {
    const why = noScript();
    if (why) return void console.warn(`skipped: ${why}`);
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 30_000 } });
    let interrupted = false;
    const run = await runInTerminal([layout!, `${repo}:v1`], cleanEnv(emu.env), (scriptPid) => {
      const poll = setInterval(() => {
        const pid = cliPid(scriptPid);
        if (pid === undefined || !emu.calls.some((c) => c.repository === repo && c.call === 'InitiateLayerUpload')) return;
        clearInterval(poll);
        interrupted = true;
        setTimeout(() => process.kill(pid, 'SIGINT'), 300);
      }, 100);
    });
    expect(interrupted, run.screen).toBe(true);
    expect(run.code, run.screen).toBe(130);
    // The spinner is cleared and the cursor shown before the failure lines, and nothing spins after them.
    expect(run.screen).toMatch(/\u001b\[\?25hecr-push: interrupted by SIGINT: 0 of 4 blobs uploaded \(0 B\), no image was put\r\nhint: /);
    expect(run.screen.slice(run.screen.indexOf('ecr-push: interrupted'))).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(emu.calls.filter((c) => c.repository === repo && c.call === 'PutImage')).toEqual([]);
  }, 60_000);

  it('-q prints only the result; --json exactly one object; the digest file and GitHub outputs get the digest', async () => {
    const env = cleanEnv(emu.env);
    const quiet = await runCli([layout!, `${repo}:v1`, '-q'], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout.trimEnd()).toMatch(DIGEST_URI);

    const digestFile = join(env.HOME!, 'digest.txt');
    const githubOutput = join(env.HOME!, 'github-output');
    writeFileSync(githubOutput, '');
    const json = await runCli([layout!, `${repo}:v2`, '--json', '--digest-file', digestFile], { env: { ...env, GITHUB_OUTPUT: githubOutput } });
    expect(json.code, json.stderr).toBe(0);
    const obj = JSON.parse(json.stdout) as { status: string; digest: string; imageUri: string; tags: string[] };
    expect(obj).toMatchObject({ status: 'pushed', repository: repo, tags: ['v2'] });
    expect(obj.imageUri).toBe(quiet.stdout.trimEnd());
    expect(readFileSync(digestFile, 'utf8')).toBe(`${obj.digest}\n`);
    expect(readFileSync(githubOutput, 'utf8')).toBe(`digest=${obj.digest}\nimage-uri=${obj.imageUri}\n`);
  });

  it('-v logs each request with call, attempt, status and request id, and never a credential or signature', async () => {
    const env = cleanEnv(emu.env);
    const run = await runCli([layout!, `${repo}:v1`, '-v'], { env: { ...env, CI: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^request BatchCheckLayerAvailability attempt 1 status 200 id \S+ \d+ms$/m);
    expect(run.stderr).toMatch(/^request PutImage attempt 1 status 200 id \S+ \d+ms$/m);
    for (const secret of [emu.credentials.accessKeyId, emu.credentials.secretAccessKey, emu.credentials.sessionToken, 'Signature=', 'AWS4-HMAC-SHA256']) {
      expect(run.stderr).not.toContain(secret);
    }
  });
});
