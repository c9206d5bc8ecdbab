/**
 * Compression cache: (uncompressed digest, encoder identity) → compressed digest and size, so a
 * re-push can ask ECR about the compressed layer without compressing it. One small JSON file,
 * written atomically (temporary file + rename), private to the user. A broken or unreadable
 * file is treated as empty: the cache only ever saves work, it is never needed for correctness.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface CompressedRef {
  digest: string;
  size: number;
}

export interface CompressionCache {
  get(sourceDigest: string): CompressedRef | undefined;
  set(sourceDigest: string, value: CompressedRef): void;
  /** Write the file if anything changed. Never throws. */
  save(): Promise<void>;
}

const FILE = 'compressed-layers.json';
const DIGEST = /^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/;

/** $XDG_CACHE_HOME/ecr-push, else ~/.cache/ecr-push. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'ecr-push');
}

function isRef(v: unknown): v is CompressedRef {
  const r = v as CompressedRef;
  return typeof v === 'object' && v !== null && typeof r.digest === 'string' && DIGEST.test(r.digest)
    && Number.isSafeInteger(r.size) && r.size > 0;
}

async function load(file: string): Promise<Map<string, CompressedRef>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { entries?: Record<string, unknown> };
    return new Map(Object.entries(parsed.entries ?? {}).filter((e): e is [string, CompressedRef] => isRef(e[1])));
  } catch {
    return new Map();
  }
}

export async function openCompressionCache(dir: string, encoderKey: string): Promise<CompressionCache> {
  const file = join(dir, FILE);
  const entries = await load(file);
  const key = (digest: string): string => `${encoderKey} ${digest}`;
  let dirty = false;
  return {
    get: (digest) => entries.get(key(digest)),
    set: (digest, value) => {
      const k = key(digest);
      const old = entries.get(k);
      if (old?.digest === value.digest && old.size === value.size) return;
      entries.set(k, value);
      dirty = true;
    },
    save: async () => {
      if (!dirty) return;
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await makeDirectory(dir);
        const merged = new Map([...(await load(file)), ...entries]);
        await writeFile(tmp, JSON.stringify({ version: 1, entries: Object.fromEntries(merged) }), { mode: 0o600 });
        await rename(tmp, file);
        dirty = false;
      } catch {
        await rm(tmp, { force: true }).catch(() => undefined);
      }
    },
  };
}

/**
 * mkdir -p, one level at a time. Node 20's `mkdir(dir, { recursive: true })` never returns when
 * the parent exists but the child cannot be made with ENOENT (a path under /proc, for one): a
 * cache folder there would hang the push.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirectory(parent);
    await mkdir(dir, { mode: 0o700 }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}
