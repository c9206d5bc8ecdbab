/**
 * Pull images with skopeo and summarise them independently of the code under test: skopeo copies
 * (verifying every blob digest) into a directory, and the summary is read from its plain JSON.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PlatformSummary {
  platform: string;
  configDigest: string;
  diffIds: string[];
}

export interface ImageSummary {
  /** One entry per platform manifest, sorted by platform. */
  platforms: PlatformSummary[];
}

/** Why skopeo-based checks cannot run, or undefined. */
export function skopeoMissing(): string | undefined {
  return spawnSync('skopeo', ['--version']).status === 0 ? undefined : 'skopeo is not installed';
}

/**
 * `skopeo copy --all FROM dir:DIR`; returns DIR. The dir: transport stores manifests and configs
 * exactly as served (no format conversion). `docker://` sources are read without TLS.
 */
export async function skopeoCopy(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skopeo-pull-'));
  const tls = from.startsWith('docker://') ? ['--src-tls-verify=false'] : [];
  await run('skopeo', ['copy', '--all', '--quiet', ...tls, from, `dir:${dir}`], { timeout: 120_000 });
  return dir;
}

interface Json {
  manifests?: { digest: string; annotations?: Record<string, string> }[];
  config?: { digest: string };
  architecture?: string;
  os?: string;
  variant?: string;
  rootfs?: { diff_ids?: string[] };
}

/** How to find things in one on-disk image: a manifest by digest (undefined: the root), a blob by digest. */
interface Store {
  manifest(digest?: string): Promise<Json>;
  blob(digest: string): Promise<Json>;
}

const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, 'utf8')) as Json;
const hexOf = (digest: string): string => digest.slice(digest.indexOf(':') + 1);

function dirStore(dir: string): Store {
  return {
    manifest: (d) => readJson(join(dir, d ? `${hexOf(d)}.manifest.json` : 'manifest.json')),
    blob: (d) => readJson(join(dir, hexOf(d))),
  };
}

function layoutStore(dir: string): Store {
  const blob = (d: string): Promise<Json> => readJson(join(dir, 'blobs', d.split(':')[0] ?? 'sha256', hexOf(d)));
  return {
    manifest: async (d) => blob(d ?? ((await readJson(join(dir, 'index.json'))).manifests?.[0]?.digest ?? '')),
    blob,
  };
}

async function summarise(store: Store, digest: string | undefined, out: PlatformSummary[]): Promise<void> {
  const doc = await store.manifest(digest);
  if (doc.manifests) {
    for (const child of doc.manifests) await summarise(store, child.digest, out);
    return;
  }
  const configDigest = doc.config?.digest ?? '';
  const config = await store.blob(configDigest);
  const platform = [config.os, config.architecture, config.variant].filter(Boolean).join('/');
  out.push({ platform, configDigest, diffIds: config.rootfs?.diff_ids ?? [] });
}

async function summary(store: Store): Promise<ImageSummary> {
  const platforms: PlatformSummary[] = [];
  await summarise(store, undefined, platforms);
  platforms.sort((a, b) => a.platform.localeCompare(b.platform));
  return { platforms };
}

/** Config digest, diff_ids and platform of the first image of an OCI layout, read from its JSON files. */
export function summariseLayout(dir: string): Promise<ImageSummary> {
  return summary(layoutStore(dir));
}

/** Copy with skopeo (every blob digest verified), then summarise what it wrote. */
export async function pullSummary(from: string): Promise<ImageSummary> {
  const dir = await skopeoCopy(from);
  try {
    return await summary(dirStore(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The digest of the manifest a registry serves for `docker://HOST/REPO:TAG` (skopeo inspect --raw, no TLS). */
export async function registryDigest(ref: string): Promise<string> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref], { timeout: 60_000, encoding: 'buffer' });
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}
