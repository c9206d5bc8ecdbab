/**
 * What must go where: the blobs of the selected image, de-duplicated by digest (config
 * included), each with how it is sent, and the manifests ordered children first, root last.
 * Everything that can be refused before an upload is refused here.
 */
import { InputError } from '../errors.js';
import type { Compression } from '../options.js';
import { isImageConfigType } from '../image/media-types.js';
import type { Descriptor, ImageNode, ManifestNode } from '../image/types.js';
import { gzipMediaTypeOf, MAX_MANIFEST_BYTES } from './media-types.js';

/** `copy`: the source bytes as they are; `gzip`: gzip-encoded on the way up. */
export type Encoding = 'copy' | 'gzip';

export interface PlannedBlob {
  /** The blob as the source holds it. */
  source: Descriptor;
  encoding: Encoding;
  /** For `gzip`: the media type the rewritten descriptor gets. */
  gzipMediaType?: string;
}

export interface PushPlan {
  root: ImageNode;
  /**
   * Largest first, the order they are uploaded in: with a few blobs in flight at once, the small
   * ones (configs, thin layers) then fill the end of the push instead of holding back a large
   * layer at its start, which would end the push alone.
   */
  blobs: PlannedBlob[];
  /** Every manifest and index, children before their parents, root last. */
  manifests: ImageNode[];
  /** Bytes of the source blobs (before any compression). */
  totalBytes: number;
}

/** Children first, root last; a child shared by two indexes appears once. */
function orderManifests(root: ImageNode): ImageNode[] {
  const out: ImageNode[] = [];
  const seen = new Set<string>();
  const visit = (node: ImageNode): void => {
    if (seen.has(node.descriptor.digest)) return;
    seen.add(node.descriptor.digest);
    if (node.kind === 'index') node.children.forEach(visit);
    out.push(node);
  };
  visit(root);
  return out;
}

function refuseUnpushable(node: ImageNode): void {
  const d = node.descriptor.digest;
  if (node.bytes.length > MAX_MANIFEST_BYTES) {
    throw new InputError(`manifest ${d} is ${node.bytes.length} bytes, over ECR's limit of ${MAX_MANIFEST_BYTES}`);
  }
  if (node.kind === 'index') {
    if (node.absent.length > 0) {
      throw new InputError(
        `index ${d} references ${node.absent.length} manifest(s) the source does not hold (${node.absent.map((a) => a.digest).join(', ')})`,
        { hint: 'push one platform with --platform os/arch' },
      );
    }
    return;
  }
  if (node.missing.length > 0) {
    throw new InputError(`manifest ${d} references blob(s) the source does not hold: ${node.missing.join(', ')}`, {
      hint: 'the archive is incomplete; export it again, or pick a platform that is present with --platform',
    });
  }
  if (node.layers.length === 0 && isImageConfigType(node.config.mediaType)) {
    throw new InputError(`manifest ${d} has zero layers`);
  }
  if (node.diffIds.length > 0 && node.diffIds.length !== node.layers.length) {
    throw new InputError(`manifest ${d} has ${node.layers.length} layers but its config lists ${node.diffIds.length} diff_ids`);
  }
}

function encodingOf(layer: Descriptor, compression: Compression): Pick<PlannedBlob, 'encoding' | 'gzipMediaType'> {
  const gz = gzipMediaTypeOf(layer.mediaType);
  return compression !== 'none' && gz !== undefined ? { encoding: 'gzip', gzipMediaType: gz } : { encoding: 'copy' };
}

export function makePlan(root: ImageNode, compression: Compression = 'auto'): PushPlan {
  const manifests = orderManifests(root);
  manifests.forEach(refuseUnpushable);
  const blobs = new Map<string, PlannedBlob>();
  for (const m of manifests.filter((n): n is ManifestNode => n.kind === 'manifest')) {
    if (!blobs.has(m.config.digest)) blobs.set(m.config.digest, { source: m.config, encoding: 'copy' });
    for (const layer of m.layers) {
      if (!blobs.has(layer.digest)) blobs.set(layer.digest, { source: layer, ...encodingOf(layer, compression) });
    }
  }
  const list = [...blobs.values()].sort((a, b) => b.source.size - a.source.size);
  return { root, blobs: list, manifests, totalBytes: list.reduce((n, b) => n + b.source.size, 0) };
}
