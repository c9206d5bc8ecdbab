import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushResult } from '../../src/events.js';
import { resultText, writeResultFiles } from '../../src/report/result.js';

const digest = `sha256:${'d'.repeat(64)}`;
const pushed: PushResult = {
  status: 'pushed',
  repository: 'app',
  registryId: '123456789012',
  tags: ['v1'],
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  imageUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${digest}`,
  blobs: { total: 2, uploaded: 2, skipped: 0, bytesUploaded: 10 },
  manifests: [{ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
};

describe('the result on stdout', () => {
  it('is the pushed reference REGISTRY/REPO@sha256:… on one line', () => {
    expect(resultText(pushed, false)).toBe(`${pushed.imageUri}\n`);
  });

  it('is exactly one JSON object on one line with --json', () => {
    const text = resultText(pushed, true);
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual(pushed);
  });

  it('is empty without --json when the run failed', () => {
    expect(resultText({ ...pushed, status: 'error', error: { name: 'X', exitCode: 25, message: 'm' } }, false)).toBe('');
  });
});

describe('--digest-file and GitHub Actions outputs', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-push-result-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the digest file and appends digest= and image-uri= to GITHUB_OUTPUT, keeping earlier outputs', async () => {
    const digestFile = join(dir, 'digest.txt');
    const output = join(dir, 'github-output');
    await writeFile(output, 'earlier=1\n');
    await writeResultFiles(pushed, digestFile, { GITHUB_OUTPUT: output });
    expect(await readFile(digestFile, 'utf8')).toBe(`${digest}\n`);
    expect(await readFile(output, 'utf8')).toBe(`earlier=1\ndigest=${digest}\nimage-uri=${pushed.imageUri}\n`);
  });

  it('turns a --digest-file that cannot be written into a usage error naming the path', async () => {
    const digestFile = join(dir, 'no-such-dir', 'digest.txt');
    await expect(writeResultFiles(pushed, digestFile, {})).rejects.toMatchObject({
      name: 'UsageError',
      message: `the image is in ECR, but --digest-file ${digestFile} cannot be written (ENOENT)`,
    });
  });

  it('writes neither for a dry run, which pushed nothing', async () => {
    const digestFile = join(dir, 'digest.txt');
    const output = join(dir, 'github-output');
    await writeResultFiles({ ...pushed, status: 'dry-run' }, digestFile, { GITHUB_OUTPUT: output });
    await expect(readFile(digestFile)).rejects.toThrow(/ENOENT/);
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  });
});
