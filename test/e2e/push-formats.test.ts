/**
 * Every source format, pushed through the real CLI into the emulator, pulled back with skopeo:
 * the config digests, diff_ids and platforms must be what skopeo reads from the source itself,
 * and every tag must name the pushed digest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMissing, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { writeLayout } from '../helpers/oci-layout.js';
import { fixture, sharedImages } from '../helpers/paths.js';
import { pullSummary, registryDigest, skopeoMissing, summariseLayout } from '../helpers/skopeo.js';

interface Case {
  name: string;
  source: string;
  /** skopeo reference to the same image, for the expected summary; `layout:DIR` reads an OCI layout's JSON directly. */
  expected: string;
  args?: string[];
}

const shared = sharedImages();
const toolMade = (p: string): string => join(shared ?? '', 'tool-made', p);

const LOCAL: Case[] = [
  { name: 'oci-layout', source: fixture('oci-layout'), expected: `oci:${fixture('oci-layout')}:v1` },
  { name: 'oci-archive', source: fixture('oci-archive.tar'), expected: `oci-archive:${fixture('oci-archive.tar')}` },
  { name: 'docker-archive', source: fixture('docker-archive.tar'), expected: `docker-archive:${fixture('docker-archive.tar')}` },
  // skopeo cannot read `docker save | gzip`; it is the same image as docker-archive.tar.
  { name: 'docker-archive-gzip', source: fixture('docker-archive.tar.gz'), expected: `docker-archive:${fixture('docker-archive.tar')}` },
  { name: 'oci-index', source: fixture('oci-index'), expected: `oci:${fixture('oci-index')}` },
];

const SHARED: Case[] = shared ? [
  { name: 'oci-layout-uncompressed', source: toolMade('oci-layout-uncompressed'), expected: `oci:${toolMade('oci-layout-uncompressed')}` },
  { name: 'oci-layout-zstd', source: toolMade('oci-layout-zstd'), expected: `oci:${toolMade('oci-layout-zstd')}` },
  // skopeo cannot read this layout back, so its own JSON files give the expected summary.
  { name: 'oci-layout-docker-mediatypes', source: toolMade('oci-layout-docker-mediatypes'), expected: `layout:${toolMade('oci-layout-docker-mediatypes')}` },
  { name: 'oci-archive-multiarch', source: toolMade('oci-archive-multiarch.tar'), expected: `oci-archive:${toolMade('oci-archive-multiarch.tar')}` },
  { name: 'docker-20.10-save', source: toolMade('docker-20.10/docker20-save-1tag.tar'), expected: `docker-archive:${toolMade('docker-20.10/docker20-save-1tag.tar')}` },
  { name: 'containerd-export', source: toolMade('containerd-1.6/containerd-export-2tags.tar'), expected: `docker-archive:${toolMade('containerd-1.6/containerd-export-2tags.tar')}` },
  { name: 'containerd-export-multiarch', source: toolMade('containerd-1.6/containerd-export-multiarch.tar'), expected: `oci-archive:${toolMade('containerd-1.6/containerd-export-multiarch.tar')}` },
] : [];

const skip = cliMissing() ?? skopeoMissing();

describe.skipIf(skip)(`pushing every source format through the CLI and pulling it back with skopeo${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ctx = useEmulator();

  it.each([...LOCAL, ...SHARED])('$name: same config, diff_ids and platforms; both tags name the pushed digest', async (c) => {
    const repo = `formats/${c.name.replace(/\./g, '-')}`;
    const run = await runCli([c.source, `${repo}:e2e`, '-t', 'second', '--create-repository', '--json', ...(c.args ?? [])], { env: ctx.env });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { digest: string; status: string; tags: string[] };
    expect(result.status).toBe('pushed');
    expect(ctx.emu.tags(repo)).toEqual({ e2e: result.digest, second: result.digest });
    expect(await registryDigest(`docker://${ctx.emu.registryHost}/${repo}:second`)).toBe(result.digest);
    const [pulled, expected] = await Promise.all([
      pullSummary(`docker://${ctx.emu.registryHost}/${repo}:e2e`),
      c.expected.startsWith('layout:') ? summariseLayout(c.expected.slice('layout:'.length)) : pullSummary(c.expected),
    ]);
    expect(pulled.platforms.length).toBeGreaterThan(0);
    expect(pulled).toEqual(expected);
  });

  it('--platform pushes only that platform of an index, as a plain manifest', async () => {
    const run = await runCli([fixture('oci-index'), 'formats/one-platform:v1', '--platform', 'linux/arm64', '--create-repository'], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    const [pulled, expected] = await Promise.all([
      pullSummary(`docker://${ctx.emu.registryHost}/formats/one-platform:v1`),
      pullSummary(`oci:${fixture('oci-index')}`),
    ]);
    expect(pulled.platforms).toEqual(expected.platforms.filter((p) => p.platform === 'linux/arm64'));
  });

  it('standard input: `docker save | gzip | ecr-push - repo:tag` pushes the same image', async () => {
    const run = await runCli(['-', 'formats/stdin:v1', '--create-repository'], { env: ctx.env, input: readFileSync(fixture('docker-archive.tar.gz')) });
    expect(run.code, run.stderr).toBe(0);
    const [pulled, expected] = await Promise.all([
      pullSummary(`docker://${ctx.emu.registryHost}/formats/stdin:v1`),
      pullSummary(`docker-archive:${fixture('docker-archive.tar')}`),
    ]);
    expect(pulled).toEqual(expected);
  });

  it('an empty (zero-byte) uncompressed layer is gzipped and pushed like any other, and pulls back with its diff_id', async () => {
    const empty = Buffer.alloc(0);
    const layout = await writeLayout([Buffer.from('a layer with bytes\n'.repeat(100)), empty], 'application/vnd.oci.image.layer.v1.tar');
    const run = await runCli([layout.dir, 'formats/empty-layer:v1', '--create-repository', '--json'], { env: ctx.env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'pushed', blobs: { uploaded: 3 } });
    const pulled = await pullSummary(`docker://${ctx.emu.registryHost}/formats/empty-layer:v1`);
    expect(pulled.platforms[0]?.diffIds).toEqual(layout.layerDigests);
  });
});
