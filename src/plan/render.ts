/**
 * The manifest bytes to put, after the blobs are up. Unchanged bytes when no layer changed;
 * otherwise layer descriptors get the pushed digest, size and media type, and an index whose
 * children changed gets their new digests and sizes. Children come before their parents.
 */
import { isObject } from '../image/descriptor.js';
import { sha256 } from '../image/hashing.js';
import type { Descriptor, ImageNode, Platform } from '../image/types.js';
import type { PushPlan } from './plan.js';

/** What a blob became in ECR: the descriptor fields that may differ from the source's. */
export type SentBlob = Pick<Descriptor, 'digest' | 'size' | 'mediaType'>;

export interface RenderedManifest {
  node: ImageNode;
  bytes: Buffer;
  digest: string;
  mediaType: string;
  platform?: Platform;
  isRoot: boolean;
}

type Json = Record<string, unknown> & { layers?: Record<string, unknown>[]; manifests?: Record<string, unknown>[] };

/** Replace descriptor fields in `list` for every entry whose digest has a replacement. */
function rewriteDescriptors(list: Record<string, unknown>[] | undefined, changes: Map<string, SentBlob>, withType: boolean): boolean {
  let changed = false;
  for (const d of list ?? []) {
    const to = changes.get(String(d.digest));
    if (!to || (to.digest === d.digest && to.size === d.size && (!withType || to.mediaType === d.mediaType))) continue;
    d.digest = to.digest;
    d.size = to.size;
    if (withType) d.mediaType = to.mediaType;
    changed = true;
  }
  return changed;
}

function render(node: ImageNode, changes: Map<string, SentBlob>): Buffer {
  const json = JSON.parse(node.bytes.toString('utf8')) as Json;
  const changed = node.kind === 'manifest'
    ? rewriteDescriptors(json.layers, changes, true)
    : rewriteDescriptors(json.manifests, changes, false);
  return changed ? Buffer.from(JSON.stringify(json), 'utf8') : node.bytes;
}

/** Render every manifest of the plan given what each blob became (keyed by source digest). */
export function renderManifests(plan: PushPlan, sent: ReadonlyMap<string, SentBlob>): RenderedManifest[] {
  const changes = new Map<string, SentBlob>(sent);
  const platforms = new Map<string, Platform>();
  for (const n of plan.manifests) {
    if (n.kind === 'index') for (const c of n.children) if (c.descriptor.platform) platforms.set(c.descriptor.digest, c.descriptor.platform);
  }
  return plan.manifests.map((node) => {
    const bytes = render(node, changes);
    const digest = bytes === node.bytes ? node.descriptor.digest : sha256(bytes);
    const mediaType = node.descriptor.mediaType;
    changes.set(node.descriptor.digest, { digest, size: bytes.length, mediaType });
    const platform = (node.kind === 'manifest' ? node.platform : undefined) ?? platforms.get(node.descriptor.digest);
    return { node, bytes, digest, mediaType, isRoot: node === plan.root, ...(platform ? { platform } : {}) };
  });
}

/**
 * Whether a manifest (JSON text) could be what rendering puts as `root`, when the layers still to
 * be gzipped leave its digest unknown. Gzipping rewrites only layer descriptors: an index, or a
 * manifest with another config or another number of layers, is another image. For an index root
 * (its children's digests change with their layers), or text that is neither, the answer is yes.
 */
export function mayRenderAs(root: ImageNode, manifest: string): boolean {
  if (root.kind !== 'manifest') return true;
  let json: unknown;
  try {
    json = JSON.parse(manifest);
  } catch {
    return true;
  }
  if (!isObject(json)) return true;
  if (Array.isArray(json.manifests)) return false;
  if (!isObject(json.config) || !Array.isArray(json.layers)) return true;
  return json.config.digest === root.config.digest && json.layers.length === root.layers.length;
}
