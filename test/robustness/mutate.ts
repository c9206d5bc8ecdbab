/**
 * Seeded mutations of fixture archives for the fuzz test: flipped bytes, truncation, spliced tar
 * headers, and JSON edits that are re-digested up the chain of references (so they reach the code
 * that reads manifests, not only the digest check in front of it).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { TarEntry } from './tar-edit.js';

/** Deterministic numbers from a seed: sha256 of `seed:counter`, four bytes at a time. */
export class Rng {
  private counter = 0;
  constructor(private readonly seed: string) {}

  /** A whole number in [0, n). */
  int(n: number): number {
    const h = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
    return h.readUInt32BE(0) % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const BLOCK = 512;

export function flipBytes(rng: Rng, archive: Buffer): Buffer {
  const out = Buffer.from(archive);
  for (let i = 1 + rng.int(8); i > 0; i--) out[rng.int(out.length)] ^= 1 + rng.int(255);
  return out;
}

export function truncate(rng: Rng, archive: Buffer): Buffer {
  return archive.subarray(0, rng.int(archive.length));
}

/** Copy one 512-byte block over another: a header lands in data, or data where a header was. */
export function spliceBlocks(rng: Rng, archive: Buffer): Buffer {
  const out = Buffer.from(archive);
  const blocks = Math.floor(out.length / BLOCK);
  const from = rng.int(blocks) * BLOCK;
  out.copy(out, rng.int(blocks) * BLOCK, from, from + BLOCK);
  return out;
}

const WEIRD_VALUES: unknown[] = [
  null, -1, 0, 1.5, 2 ** 53 + 2, 1e308, '', true, {}, [], 'x'.repeat(70_000),
  'sha256:../../../../etc/passwd', `sha256:${'g'.repeat(64)}`, `sha512:${'0'.repeat(64)}`,
  'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.v2+json',
  { digest: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
];

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `json`, the root included. */
function containers(json: unknown, out: Container[] = []): Container[] {
  if (typeof json === 'object' && json !== null) {
    out.push(json as Container);
    for (const v of Object.values(json)) containers(v, out);
  }
  return out;
}

/** One random edit somewhere in the parsed document: drop, replace or duplicate a member. */
export function mutateJson(rng: Rng, json: unknown): unknown {
  const all = containers(json);
  if (all.length === 0) return rng.pick(WEIRD_VALUES);
  const target = rng.pick(all);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? rng.pick(keys) : '0';
  const action = rng.int(3);
  if (Array.isArray(target)) {
    const i = Number(key);
    if (action === 0) target.splice(i, 1);
    else if (action === 1) target[i] = rng.pick(WEIRD_VALUES);
    else target.push(target[i] ?? rng.pick(WEIRD_VALUES));
  } else if (action === 0) {
    delete target[key];
  } else {
    target[action === 1 ? key : 'mediaType'] = rng.pick(WEIRD_VALUES);
  }
  return json;
}

const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const BLOB_NAME = /^blobs\/sha256\/([a-f0-9]{64})$/;
const DOCKER_CONFIG_NAME = /^([a-f0-9]{64})\.json$/;

function parse(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Replace `from` by `to` in every string of `json` and fix the size of descriptors that named it. */
function repoint(json: unknown, from: string, to: string, size: number): boolean {
  let changed = false;
  for (const c of containers(json)) {
    for (const [k, v] of Object.entries(c)) {
      if (typeof v !== 'string' || !v.includes(from)) continue;
      (c as Record<string, unknown>)[k] = v.replaceAll(from, to);
      if (k === 'digest' && !Array.isArray(c) && 'size' in c) c.size = size;
      changed = true;
    }
  }
  return changed;
}

/** The content digest an entry's name claims (OCI blob or docker-save config), if any. */
function namedHex(entry: TarEntry): string | undefined {
  return (BLOB_NAME.exec(entry.header.name) ?? DOCKER_CONFIG_NAME.exec(entry.header.name))?.[1];
}

/**
 * Edit one JSON entry; when its name is its digest, rename it to the new digest and repoint every
 * JSON entry that referenced it, repeating up the chain (config → manifest → index.json).
 */
export function mutateJsonEntry(rng: Rng, entries: TarEntry[]): TarEntry[] {
  const jsonEntries = entries.filter((e) => e.data.length > 0 && parse(e.data) !== undefined);
  if (jsonEntries.length === 0) return entries;
  const first = rng.pick(jsonEntries);
  first.data = Buffer.from(JSON.stringify(mutateJson(rng, parse(first.data))));
  let pending = [first];
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    const next: TarEntry[] = [];
    for (const changed of pending) {
      const oldHex = namedHex(changed);
      if (oldHex === undefined) continue;
      const newHex = sha256Hex(changed.data);
      changed.header = { ...changed.header, name: changed.header.name.replace(oldHex, newHex) };
      for (const e of entries) {
        if (e === changed) continue;
        const json = parse(e.data);
        if (json !== undefined && repoint(json, oldHex, newHex, changed.data.length)) {
          e.data = Buffer.from(JSON.stringify(json));
          next.push(e);
        }
        if (e.header.type === 'symlink' && e.header.linkname?.includes(oldHex)) e.header.linkname = e.header.linkname.replace(oldHex, newHex);
      }
    }
    pending = next;
  }
  return entries;
}

export function gzip(archive: Buffer): Buffer {
  return gzipSync(archive);
}
