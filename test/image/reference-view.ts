/**
 * What other tools say about an image archive, for comparison with our reader: skopeo 1.9 where
 * it can read the archive, else facts read straight from the files with tar and JSON.parse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One image manifest as seen from outside: config digest, diff_ids and platform. */
export interface SeenManifest {
  config: string;
  diffIds: string[];
  platform: string;
}

export const hasSkopeo = spawnSync('skopeo', ['--version']).status === 0;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function platformOf(config: { os?: string; architecture?: string; variant?: string }): string {
  return [config.os, config.architecture, config.variant].filter(Boolean).join('/');
}

/** A manifest's facts from its raw config bytes. */
export function seenFromConfig(raw: Buffer): SeenManifest {
  const c = JSON.parse(raw.toString('utf8')) as { rootfs?: { diff_ids?: string[] }; os?: string; architecture?: string; variant?: string };
  return { config: sha256(raw), diffIds: c.rootfs?.diff_ids ?? [], platform: platformOf(c) };
}

export function skopeo(args: string[]): Buffer {
  return execFileSync('skopeo', ['inspect', ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** One member of a (possibly compressed) tar, read by GNU tar. */
export function tarMember(file: string, member: string): Buffer {
  return execFileSync('tar', ['-xOf', file, member], { maxBuffer: 64 * 1024 * 1024 });
}

export function tarMembers(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8').split('\n').filter(Boolean);
}

interface DockerSaveEntry {
  RepoTags: string[] | null;
}

/** skopeo's view of each manifest.json entry (`docker-archive:FILE:@i`), and RepoTags read from manifest.json. */
export function dockerArchiveView(file: string): { tags: string[]; manifests: SeenManifest[] } {
  const entries = JSON.parse(tarMember(file, 'manifest.json').toString('utf8')) as DockerSaveEntry[];
  const manifests = entries.map((_, i) => seenFromConfig(skopeo(['--config', '--raw', `docker-archive:${file}:@${i}`])));
  return { tags: entries.flatMap((e) => e.RepoTags ?? []), manifests };
}

interface IndexJson {
  manifests: { digest: string; annotations?: Record<string, string> }[] | null;
}

/** `org.opencontainers.image.ref.name` of each index.json entry (undefined when absent). */
export function refNames(indexJson: Buffer): (string | undefined)[] {
  const idx = JSON.parse(indexJson.toString('utf8')) as IndexJson;
  return (idx.manifests ?? []).map((m) => m.annotations?.['org.opencontainers.image.ref.name']);
}

interface RawNode {
  manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
  config?: { digest: string };
}

/**
 * skopeo's view of the image an OCI ref names (`oci:DIR:ref` or `oci-archive:FILE:ref`): for an
 * index, each child platform's config through --override-os/--override-arch/--override-variant.
 */
export function ociRefView(transport: 'oci' | 'oci-archive', path: string, ref: string): { children: string[]; manifests: SeenManifest[] } {
  const location = `${transport}:${path}:${ref}`;
  const raw = JSON.parse(skopeo(['--raw', location]).toString('utf8')) as RawNode;
  if (!raw.manifests) return { children: [], manifests: [seenFromConfig(skopeo(['--config', '--raw', location]))] };
  const manifests = raw.manifests.flatMap((m) => {
    const p = m.platform;
    if (!p || p.os === 'unknown') return []; // attestation manifests: skopeo cannot select them by platform
    const override = ['--override-os', p.os, '--override-arch', p.architecture, ...(p.variant ? ['--override-variant', p.variant] : [])];
    return [seenFromConfig(skopeo([...override, '--config', '--raw', location]))];
  });
  return { children: raw.manifests.map((m) => m.digest), manifests };
}

/** Facts of an OCI layout directory read with JSON.parse alone (for what skopeo 1.9 cannot read). */
export function ociDirFacts(dir: string, ref: string): SeenManifest {
  const blob = (digest: string): Buffer => readFileSync(join(dir, 'blobs', ...digest.split(':')));
  const idx = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexJson;
  const entry = (idx.manifests ?? []).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  if (!entry) throw new Error(`no ref ${ref} in ${dir}`);
  const manifest = JSON.parse(blob(entry.digest).toString('utf8')) as RawNode;
  return seenFromConfig(blob(manifest.config!.digest));
}

export const isLayoutDir = (dir: string): boolean => existsSync(join(dir, 'oci-layout')) && statSync(join(dir, 'oci-layout')).isFile();

/** skopeo 1.9.3 cannot read a gzipped docker-archive ("unexpected EOF"): give it the tar, written into `dir`. */
export function forSkopeo(path: string, dir: string): string {
  const bytes = readFileSync(path);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return path;
  const tar = join(dir, `${basename(path)}.tar`);
  writeFileSync(tar, gunzipSync(bytes));
  return tar;
}

/** skopeo's view of a whole simple source: every ref of a layout or oci-archive, every docker-archive entry. */
export function wholeSourceView(path: string, scratch: string): { tags: string[]; manifests: SeenManifest[] } {
  if (isLayoutDir(path) || !tarMembers(path).includes('manifest.json')) {
    const transport = isLayoutDir(path) ? 'oci' : 'oci-archive';
    const tags = refNames(transport === 'oci' ? readFileSync(join(path, 'index.json')) : tarMember(path, 'index.json')).filter((n): n is string => !!n);
    return { tags, manifests: tags.flatMap((t) => ociRefView(transport, path, t).manifests) };
  }
  return dockerArchiveView(forSkopeo(path, scratch));
}
