/**
 * `ecr-push inspect` through the real CLI process (`node bin/ecr-push.js`, after `npm run build`)
 * on every fixture in fixtures/: good ones print JSON that agrees with skopeo; corrupt ones exit 3
 * with a one-line message naming the problem. A preloaded guard makes any network connection
 * crash the process, so "never touches the network" is checked too.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectNode, InspectReport } from '../src/inspect.js';
import { hasSkopeo, wholeSourceView, type SeenManifest } from './image/reference-view.js';
import { writeLayout } from './helpers/oci-layout.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'fixtures');
const NO_NETWORK = `data:text/javascript,${encodeURIComponent(
  "import net from 'node:net'; net.Socket.prototype.connect = function () { throw new Error('inspect opened a network connection'); };",
)}`;
const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: string[], input?: Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', NO_NETWORK, join(ROOT, 'bin', 'ecr-push.js'), ...args], {
    cwd: ROOT,
    input,
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

function manifests(node: InspectNode): SeenManifest[] {
  if (node.kind === 'index') return node.children.flatMap(manifests);
  return [{ config: node.config.digest, diffIds: node.diffIds, platform: node.platform ?? '' }];
}

/** The error lines of stderr (the CLI may add one `hint:` line of advice). */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !l.startsWith('hint: '));

const built = existsSync(join(ROOT, 'dist', 'cli.js'));
const GOOD = ['oci-layout', 'oci-archive.tar', 'docker-archive.tar', 'docker-archive.tar.gz', 'oci-index'];

describe.skipIf(!built)(`ecr-push inspect on the fixtures${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  it.skipIf(!hasSkopeo).each(GOOD)('inspect %s --json shows the configs, diff_ids, platforms and tags skopeo reports', (name) => {
    const r = cli(['inspect', `fixtures/${name}`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as InspectReport;
    const theirs = wholeSourceView(join(FIXTURES, name), scratch);
    expect(report.images.flatMap((i) => manifests(i.root))).toEqual(theirs.manifests);
    expect(report.images.flatMap((i) => i.tags)).toEqual(theirs.tags);
  });

  it('inspect shows every blob with digest, size, media type and whether it is compressed', () => {
    const report = JSON.parse(cli(['inspect', 'fixtures/oci-layout', '--json']).stdout) as InspectReport;
    const root = report.images[0]!.root;
    expect(root.kind).toBe('manifest');
    if (root.kind !== 'manifest') return;
    const manifest = JSON.parse(readFileSync(join(FIXTURES, 'oci-layout', 'blobs', ...root.digest.split(':')), 'utf8'));
    expect(root.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType }))).toEqual(manifest.layers);
    expect(root.layers.every((l) => l.compressed && l.present)).toBe(true);
    expect(report.format).toBe('oci-layout');
    expect(report.images[0]!.pushablePlatforms).toEqual(['linux/amd64']);
  });

  it('inspect --platform picks one manifest of the two-platform index', () => {
    const r = cli(['inspect', 'fixtures/oci-index', '--platform', 'linux/arm64', '--json']);
    expect(r.code).toBe(0);
    const root = (JSON.parse(r.stdout) as InspectReport).images[0]!.root;
    expect(root.kind === 'manifest' && root.platform).toBe('linux/arm64');
  });

  it('inspect - reads a gzipped archive from standard input and leaves no temporary file behind', () => {
    const tmp = mkdtempSync(join(scratch, 'tmpdir-'));
    const viaFile = cli(['inspect', 'fixtures/docker-archive.tar', '--json']);
    const viaStdin = cli(['inspect', '-', '--json'], readFileSync(join(FIXTURES, 'docker-archive.tar.gz')), { TMPDIR: tmp });
    expect(viaStdin.code).toBe(0);
    const a = JSON.parse(viaFile.stdout) as InspectReport;
    const b = JSON.parse(viaStdin.stdout) as InspectReport;
    expect(b.compression).toBe('gzip');
    expect(b.images).toEqual(a.images);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('inspect of an index whose arm64 layer is absent says only linux/amd64 is pushable, and still exits 0', () => {
    const dir = join(scratch, 'partial-index');
    cpSync(join(FIXTURES, 'oci-index'), dir, { recursive: true });
    const full = JSON.parse(cli(['inspect', 'fixtures/oci-index', '--json']).stdout) as InspectReport;
    const root = full.images[0]!.root;
    if (root.kind !== 'index' || root.children[1]!.kind !== 'manifest') throw new Error('expected an index of manifests');
    const armOnly = root.children[1]!.layers[1]!.digest;
    unlinkSync(join(dir, 'blobs', ...armOnly.split(':')));

    const r = cli(['inspect', dir, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const image = (JSON.parse(r.stdout) as InspectReport).images[0]!;
    expect(image.pushablePlatforms).toEqual(['linux/amd64']);
    const arm = image.root.kind === 'index' ? image.root.children[1]! : undefined;
    expect(arm?.kind === 'manifest' && [arm.pushable, arm.layers[1]!.present]).toEqual([false, false]);

    const text = cli(['inspect', dir]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('pushable platforms: linux/amd64\n');
    expect(text.stdout).toMatch(new RegExp(`layer +${armOnly}.*MISSING`));
  });

  it('inspect without --json prints the format, tags, platforms and digests as text', () => {
    const r = cli(['inspect', 'fixtures/docker-archive.tar']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(cli(['inspect', 'fixtures/docker-archive.tar', '--json']).stdout) as InspectReport;
    const root = report.images[0]!.root;
    expect(r.stdout).toContain('docker-archive');
    expect(r.stdout).toContain('example.com/fixtures/small:v1');
    expect(r.stdout).toContain(`linux/amd64: manifest ${root.digest}`);
    if (root.kind === 'manifest') for (const l of root.layers) expect(r.stdout).toContain(l.digest);
    // Its layers are uncompressed: the text says why a default push puts another digest.
    expect(r.stdout).toMatch(/note: a push gzips the uncompressed layers .*--compression none pushes this one/);
    expect(cli(['inspect', 'fixtures/oci-layout']).stdout).not.toMatch(/note: a push gzips/);
  });

  it('inspect says nothing of gzipping when the uncompressed layers are not tar (an artifact), which a push keeps as they are', async () => {
    const artifact = await writeLayout([Buffer.from('{"sbom":true}')], 'application/vnd.example.sbom+json');
    const r = cli(['inspect', artifact.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(artifact.layerDigests[0]);
    expect(r.stdout).not.toMatch(/note: a push gzips/);
  });

  const CORRUPT: [string, RegExp][] = [
    ['flipped-byte.tar', /does not match its digest/],
    ['truncated.tar', /truncated tar/],
    ['missing-blob', /blob sha256:[a-f0-9]{64} .*is missing/],
    ['path-traversal', /invalid digest/],
    ['empty.tar', /empty file/],
    ['random.bin', /not a tar archive/],
    ['not-a-layout', /not an OCI image layout/],
  ];
  it.each(CORRUPT)('inspect corrupt/%s exits 3 with one line naming the problem, and with --json one error object on stdout', (name, problem) => {
    const r = cli(['inspect', `fixtures/corrupt/${name}`, '--json']);
    expect(r.code).toBe(3);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).toContain(`fixtures/corrupt/${name}`);
    expect(lines[0]).not.toContain('(InputError)');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(JSON.parse(r.stdout)).toEqual({
      status: 'error', source: `fixtures/corrupt/${name}`, images: [], error: { name: 'InputError', exitCode: 3, message: lines[0]!.slice('ecr-push: '.length) },
    });
  });

  it('inspect --json prints one error object for a missing file and an image the source does not hold, with a hint that fits', () => {
    const missing = cli(['inspect', 'fixtures/no-such.tar', '--json']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 'error', source: 'fixtures/no-such.tar', error: { name: 'InputError', exitCode: 3 } });
    expect(missing.stderr).toMatch(/no such file or directory.*\nhint: check the path/);

    const noImage = cli(['inspect', 'fixtures/docker-archive.tar', '--image', '5', '--json']);
    expect(noImage.code).toBe(3);
    expect(JSON.parse(noImage.stdout)).toMatchObject({ status: 'error', images: [], error: { exitCode: 3, message: expect.stringMatching(/no image "5"; choices: 1 /) } });
    expect(noImage.stderr).toMatch(/\nhint: run `ecr-push inspect <source>` without --image/);
  });

  it.skipIf(!existsSync('/dev/zero'))('a character device (/dev/zero) is refused at once, named or as standard input, instead of copied until the disk is full', () => {
    const named = spawnSync(process.execPath, [join(ROOT, 'bin', 'ecr-push.js'), 'inspect', '/dev/zero'], { timeout: 20_000 });
    expect(named.status).toBe(3);
    expect(named.stderr.toString()).toMatch(/^ecr-push: \/dev\/zero is a character device, not an image archive\n/);
    const zero = openSync('/dev/zero', 'r');
    try {
      const piped = spawnSync(process.execPath, [join(ROOT, 'bin', 'ecr-push.js'), 'inspect', '-'], { stdio: [zero, 'pipe', 'pipe'], timeout: 20_000 });
      expect(piped.status).toBe(3);
      expect(piped.stderr.toString()).toMatch(/^ecr-push: standard input is a character device, not an image archive\n/);
    } finally {
      closeSync(zero);
    }
  });

  it('inspect gives no generic hint where the message already says what is wrong, and no inspect hint for a damaged blob', () => {
    const empty = cli(['inspect', 'fixtures/corrupt/empty.tar']);
    expect(empty.code).toBe(3);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).not.toContain('hint:');
    const flipped = cli(['inspect', 'fixtures/corrupt/flipped-byte.tar']);
    expect(flipped.stderr).toMatch(/\nhint: the source is damaged/);
    expect(flipped.stderr).not.toContain('ecr-push inspect');
  });

  it('every corrupt fixture on disk is covered by a test', () => {
    expect(readdirSync(join(FIXTURES, 'corrupt')).sort()).toEqual(CORRUPT.map(([n]) => n).sort());
  });
});
