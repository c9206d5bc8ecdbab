/** Test helpers around skopeo, the independent client that reads back what the emulator stored. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** `skopeo copy` from the emulator's plain-HTTP registry side to `dest`. */
export async function skopeoCopy(registryHost: string, reference: string, dest: string, extra: string[] = []): Promise<void> {
  await promisify(execFile)('skopeo', ['--insecure-policy', 'copy', '--src-tls-verify=false', ...extra, `docker://${registryHost}/${reference}`, dest]);
}

/** Runs `body` with a fresh temp dir, removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-pull-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The JSON of an OCI layout's index.json, or of one of its blobs when `digest` is given. */
export async function readLayoutJson<T>(layoutDir: string, digest?: string): Promise<T> {
  const path = digest === undefined ? join(layoutDir, 'index.json') : join(layoutDir, 'blobs', ...digest.split(':'));
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
