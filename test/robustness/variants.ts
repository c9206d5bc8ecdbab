/**
 * The bad-input matrix: every broken source the tool must refuse with exit 3. The committed
 * fixtures/corrupt/ variants are used as they are; the others are derived at test time from the
 * tool-made fixtures (tar-stream edits, umoci, JSON re-serialised and re-digested).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../cli/run-cli.js';
import { editTar, entryNamed, type TarEntry } from './tar-edit.js';

export const FIXTURES = join(repoRoot, 'fixtures');

export interface BadInput {
  name: string;
  /** What the one failure line must say. */
  problem: RegExp;
  /** What the hint line must say; without it, there is no hint line. */
  hint?: RegExp;
  /**
   * True when the problem can only be seen while a layer's bytes stream to ECR (a flipped byte):
   * an upload may start, but it is never completed and no manifest is put.
   */
  streaming?: boolean;
  /** Why the case cannot run here, when a tool it needs is missing. */
  skip?: () => string | undefined;
  /** Writes the variant under `dir` and returns its path. */
  make(dir: string): Promise<string>;
}

type Json = Record<string, unknown>;

const DAMAGED = /source is damaged/;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hexOf = (digest: string): string => digest.slice(digest.indexOf(':') + 1);
const fixture = (...p: string[]): string => join(FIXTURES, ...p);
const committed = (path: string) => async (): Promise<string> => fixture(path);

/** Copy fixtures/oci-layout to `dir/name`. */
function layoutCopy(dir: string, name: string): string {
  const to = join(dir, name);
  cpSync(fixture('oci-layout'), to, { recursive: true });
  return to;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** The manifest descriptor index.json of a layout lists first. */
function firstEntry(layout: string): Json & { digest: string } {
  return (readJson(join(layout, 'index.json')).manifests as (Json & { digest: string })[])[0]!;
}

/**
 * Replace the layout's manifest by `edit(manifest)` serialised, stored under its own digest, and
 * point index.json at it, so only the edit itself is wrong.
 */
function rewriteManifest(layout: string, edit: (m: Json) => Buffer): void {
  const indexPath = join(layout, 'index.json');
  const index = readJson(indexPath);
  const entry = (index.manifests as Json[])[0]!;
  const oldPath = join(layout, 'blobs', 'sha256', hexOf(String(entry.digest)));
  const bytes = edit(readJson(oldPath));
  rmSync(oldPath);
  entry.digest = sha256(bytes);
  entry.size = bytes.length;
  writeFileSync(join(layout, 'blobs', 'sha256', hexOf(entry.digest as string)), bytes);
  writeFileSync(indexPath, JSON.stringify(index));
}

/** The first layer's digest of fixtures/oci-layout, read from its manifest. */
function firstLayerDigest(): string {
  const manifest = readJson(join(fixture('oci-layout'), 'blobs', 'sha256', hexOf(firstEntry(fixture('oci-layout')).digest)));
  return (manifest.layers as { digest: string }[])[0]!.digest;
}

/** fixtures/docker-archive.tar: the regular layer file a `<v1id>/layer.tar` symlink points at, and that symlink. */
function dockerLayerLink(entries: TarEntry[]): { link: TarEntry; target: TarEntry } {
  const link = entries.find((e) => e.header.type === 'symlink' && e.header.name.endsWith('/layer.tar'));
  if (!link) throw new Error('fixtures/docker-archive.tar has no <v1id>/layer.tar symlink');
  return { link, target: entryNamed(entries, link.header.linkname!.replace(/^\.\.\//, '')) };
}

/** Turn the layer file manifest.json names into a symlink to `linkname`. */
function pointLayerAt(entries: TarEntry[], linkname: string): void {
  const { target } = dockerLayerLink(entries);
  target.header = { ...target.header, type: 'symlink', linkname, size: 0 };
  target.data = Buffer.alloc(0);
}

const flip = (b: Buffer, at: number): Buffer => {
  const copy = Buffer.from(b);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
};

const tool = (name: string) => (): string | undefined =>
  spawnSync('sh', ['-c', `command -v ${name}`]).status === 0 ? undefined : `${name} is not installed`;

export const BAD_INPUTS: BadInput[] = [
  { name: 'an empty file', problem: /empty/, make: committed('corrupt/empty.tar') },
  { name: 'random bytes', problem: /not a tar archive/, hint: /check the path/, make: committed('corrupt/random.bin') },
  { name: 'a truncated tar', problem: /truncated tar/, hint: DAMAGED, make: committed('corrupt/truncated.tar') },
  {
    name: 'a truncated gzip archive',
    problem: /gzip/,
    hint: DAMAGED,
    make: async (dir) => {
      const gz = readFileSync(fixture('docker-archive.tar.gz'));
      const to = join(dir, 'truncated.tar.gz');
      writeFileSync(to, gz.subarray(0, Math.floor(gz.length / 2)));
      return to;
    },
  },
  { name: 'a flipped byte in a layer of a docker save (gzipped on the way)', problem: /does not match its digest/, hint: DAMAGED, streaming: true, make: committed('corrupt/flipped-byte.tar') },
  {
    name: 'a flipped byte in a gzip layer of an OCI archive (sent as it is)',
    problem: /does not match its digest/,
    hint: DAMAGED,
    streaming: true,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'flipped-oci.tar'), (entries) => {
      const layer = entryNamed(entries, `blobs/sha256/${hexOf(firstLayerDigest())}`);
      layer.data = flip(layer.data, Math.floor(layer.data.length / 2));
      return entries;
    }),
  },
  { name: 'a missing blob in a layout directory', problem: /missing/, make: committed('corrupt/missing-blob') },
  {
    name: 'a missing layer blob in an OCI archive',
    problem: /missing/,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'missing.tar'), (entries) =>
      entries.filter((e) => e.header.name !== `blobs/sha256/${hexOf(firstLayerDigest())}`)),
  },
  {
    name: 'a missing layer file in a docker save',
    problem: /missing/,
    make: (dir) => editTar(fixture('docker-archive.tar'), join(dir, 'missing-layer.tar'), (entries) => {
      const { target } = dockerLayerLink(entries);
      return entries.filter((e) => e !== target);
    }),
  },
  {
    name: 'bad JSON in index.json',
    problem: /index\.json is not valid JSON/,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'bad-index.tar'), (entries) => {
      const index = entryNamed(entries, 'index.json');
      index.data = index.data.subarray(0, Math.floor(index.data.length / 2));
      return entries;
    }),
  },
  {
    name: 'bad JSON in manifest.json of a docker save',
    problem: /manifest\.json is not valid JSON/,
    make: (dir) => editTar(fixture('docker-archive.tar'), join(dir, 'bad-manifest-json.tar'), (entries) => {
      const m = entryNamed(entries, 'manifest.json');
      m.data = m.data.subarray(0, m.data.length - 3);
      return entries;
    }),
  },
  {
    name: 'a manifest blob that is not JSON (stored under its own digest)',
    problem: /not valid JSON/,
    make: async (dir) => {
      const to = layoutCopy(dir, 'bad-manifest');
      rewriteManifest(to, (m) => Buffer.from(JSON.stringify(m).slice(0, 40)));
      return to;
    },
  },
  { name: 'a sha256:../.. digest in index.json', problem: /invalid digest "sha256:\.\.\//, make: committed('corrupt/path-traversal') },
  {
    name: 'a sha256:../.. layer digest in the manifest',
    problem: /invalid digest "sha256:\.\.\//,
    make: async (dir) => {
      const to = layoutCopy(dir, 'layer-traversal');
      rewriteManifest(to, (m) => {
        (m.layers as Json[])[0]!.digest = 'sha256:../../../../../../etc/passwd';
        return Buffer.from(JSON.stringify(m));
      });
      return to;
    },
  },
  {
    name: 'a link loop',
    problem: /link loop/,
    make: (dir) => editTar(fixture('docker-archive.tar'), join(dir, 'link-loop.tar'), (entries) => {
      // The layer file becomes a link back to the `<v1id>/layer.tar` link that points at it.
      pointLayerAt(entries, dockerLayerLink(entries).link.header.name);
      return entries;
    }),
  },
  {
    name: 'a symlink leaving the archive',
    problem: /links outside the archive/,
    make: (dir) => editTar(fixture('docker-archive.tar'), join(dir, 'link-out.tar'), (entries) => {
      pointLayerAt(entries, '../../../../../../etc/passwd');
      return entries;
    }),
  },
  {
    name: 'a hard link leaving the archive',
    problem: /links outside the archive/,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'hardlink-out.tar'), (entries) => {
      const layer = entryNamed(entries, `blobs/sha256/${hexOf(firstLayerDigest())}`);
      layer.header = { ...layer.header, type: 'link', linkname: '../../etc/passwd', size: 0 };
      layer.data = Buffer.alloc(0);
      return entries;
    }),
  },
  {
    name: 'an absolute symlink (resolved inside the archive, where nothing is)',
    problem: /missing/,
    make: (dir) => editTar(fixture('docker-archive.tar'), join(dir, 'link-absolute.tar'), (entries) => {
      pointLayerAt(entries, '/etc/passwd');
      return entries;
    }),
  },
  {
    name: 'duplicate entries for index.json',
    problem: /duplicate/,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'duplicate-index.tar'), (entries) => {
      const index = entryNamed(entries, 'index.json');
      const other = JSON.parse(index.data.toString('utf8')) as { manifests: Json[] };
      other.manifests = [];
      return [...entries, { header: { ...index.header }, data: Buffer.from(JSON.stringify(other)) }];
    }),
  },
  {
    name: 'duplicate entries for a layer blob',
    problem: /duplicate/,
    make: (dir) => editTar(fixture('oci-archive.tar'), join(dir, 'duplicate-layer.tar'), (entries) => {
      const layer = entryNamed(entries, `blobs/sha256/${hexOf(firstLayerDigest())}`);
      return [...entries, { header: { ...layer.header }, data: flip(layer.data, 100) }];
    }),
  },
  {
    name: 'an image with zero layers (made by umoci)',
    problem: /zero layers/,
    skip: tool('umoci'),
    make: async (dir) => {
      const to = join(dir, 'zero-layers');
      for (const args of [['init', '--layout', to], ['new', '--image', `${to}:v1`]]) {
        const r = spawnSync('umoci', args, { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`umoci ${args.join(' ')}: ${r.stderr}`);
      }
      return to;
    },
  },
  {
    name: 'a manifest over 4 MiB',
    problem: /over ECR's limit/,
    make: async (dir) => {
      const to = layoutCopy(dir, 'huge-manifest');
      rewriteManifest(to, (m) => Buffer.from(JSON.stringify({ ...m, annotations: { padding: 'x'.repeat(4 * 1024 * 1024) } })));
      return to;
    },
  },
];
