/**
 * Standard input and compressed archives are spooled into a private temporary file (directory
 * 0700, file 0600) under TMPDIR; the file is removed on success, on every kind of failure, and
 * after SIGINT. Each run gets a fresh, empty TMPDIR that must be empty again afterwards.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli } from '../cli/run-cli.js';
import { useCliEmulator } from './cli-emulator.js';
import { FIXTURES } from './variants.js';

const skip = notBuilt();
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

interface Case {
  what: string;
  /** The archive; `stdin` sends it on standard input, otherwise it is written to a .tar.gz file. */
  bytes: () => Buffer;
  stdin: boolean;
  fault?: Fault;
  code: number;
}

const CASES: Case[] = [
  { what: 'a docker save on standard input, pushed', bytes: () => fixture('docker-archive.tar'), stdin: true, code: 0 },
  { what: 'a gzip docker save on standard input, pushed', bytes: () => fixture('docker-archive.tar.gz'), stdin: true, code: 0 },
  { what: 'a gzip archive file, pushed', bytes: () => fixture('docker-archive.tar.gz'), stdin: false, code: 0 },
  {
    what: 'a truncated gzip stream on standard input (input error while spooling)',
    bytes: () => fixture('docker-archive.tar.gz').subarray(0, 900),
    stdin: true,
    code: 3,
  },
  {
    what: 'a gzip archive file with a flipped byte in a layer (input error mid-upload)',
    bytes: () => gzipSync(fixture('corrupt/flipped-byte.tar')),
    stdin: false,
    code: 3,
  },
  {
    what: 'a gzip archive on standard input that ECR refuses at PutImage',
    bytes: () => fixture('docker-archive.tar.gz'),
    stdin: true,
    fault: { call: 'PutImage', kind: { exception: 'KmsException' } },
    code: 17,
  },
];

describe.skipIf(skip)(`temporary files${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const h = useCliEmulator();

  /** A fresh repository, and an environment whose TMPDIR is empty; a source file is written outside TMPDIR. */
  function setup(c: Pick<Case, 'bytes' | 'stdin'>): { repo: string; env: Record<string, string>; args: string[]; input?: Buffer } {
    const repo = h.newRepo('tmp');
    const env = cleanEnv(h.emu.env);
    if (c.stdin) return { repo, env, args: ['-', `${repo}:v1`], input: c.bytes() };
    const file = join(env.HOME!, 'image.tar.gz');
    writeFileSync(file, c.bytes());
    return { repo, env, args: [file, `${repo}:v1`] };
  }

  it.for(CASES.map((c): [string, Case] => [c.what, c]))('%s: leaves TMPDIR empty', async ([, c]) => {
    const { emu } = h;
    const { env, args, input } = setup(c);
    emu.clearFaults();
    if (c.fault) emu.addFault(c.fault);
    const run = await runCli(args, { env, ...(input ? { input } : {}) });
    emu.clearFaults();
    expect(run.code, run.stderr).toBe(c.code);
    expect(readdirSync(env.TMPDIR!)).toEqual([]);
  });

  it.for([true, false])('SIGINT during the upload (standard input: %s): the spooled file was private, and is gone after exit 130', async (stdin) => {
    const { emu } = h;
    const { repo, env, args, input } = setup({ bytes: () => fixture('docker-archive.tar.gz'), stdin });
    emu.clearFaults();
    emu.addFault({ call: 'UploadLayerPart', kind: { latencyMs: 30_000 } });
    let seen: { dir: number; file: number; entries: string[] } | undefined;
    const run = await runCli(args, {
      env,
      ...(input ? { input } : {}),
      timeoutMs: 25_000,
      onStderr: (stderr, child) => {
        if (seen || !stderr.includes('uploading ')) return;
        const entries = readdirSync(env.TMPDIR!);
        const dir = join(env.TMPDIR!, entries[0] ?? '');
        const files = entries.length === 1 ? readdirSync(dir) : [];
        seen = { entries, dir: statSync(dir).mode & 0o777, file: files.length === 1 ? statSync(join(dir, files[0]!)).mode & 0o777 : -1 };
        child.kill('SIGINT');
      },
    });
    emu.clearFaults();
    expect(seen, run.stderr).toMatchObject({ dir: 0o700, file: 0o600 });
    expect(seen!.entries).toHaveLength(1);
    expect(run.code, run.stderr).toBe(130);
    expect(emu.calls.filter((c) => c.repository === repo && c.call === 'PutImage')).toEqual([]);
    expect(readdirSync(env.TMPDIR!)).toEqual([]);
  });
});

