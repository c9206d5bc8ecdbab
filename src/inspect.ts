/**
 * inspect(): what would be pushed from a local image, without touching AWS. Every blob present is
 * read and verified (size and digest), so a corrupt archive fails here as it would in a push.
 */
import { InputError } from './errors.js';
import { platformString } from './image/descriptor.js';
import { isCompressedType } from './image/media-types.js';
import { openSource } from './image/open.js';
import { manifestsOf, selectImage, sourceName } from './image/select.js';
import type { Descriptor, ImageNode, ImageSource, ManifestNode, SourceFormat, SourceImage } from './image/types.js';
import type { InspectOptions } from './options.js';
import { gzipMediaTypeOf } from './plan/media-types.js';

export interface InspectBlob {
  digest: string;
  size: number;
  mediaType: string;
  compressed: boolean;
  /** False when the source does not hold the blob. */
  present: boolean;
}

export interface InspectManifest {
  kind: 'manifest';
  digest: string;
  mediaType: string;
  size: number;
  /** `os/arch[/variant]`, when known. */
  platform?: string;
  /** True when the source had no manifest (legacy docker save) and one was built. */
  synthesized: boolean;
  pushable: boolean;
  config: InspectBlob;
  layers: InspectBlob[];
  /** The config's rootfs.diff_ids, in the config's order. */
  diffIds: string[];
  warnings: string[];
}

export interface InspectIndex {
  kind: 'index';
  digest: string;
  mediaType: string;
  size: number;
  children: InspectNode[];
  /** Children listed by the index whose manifests the source does not hold. */
  absent: { digest: string; mediaType: string; platform?: string }[];
}

export type InspectNode = InspectManifest | InspectIndex;

export interface InspectImage {
  position: number;
  tags: string[];
  /** Platforms whose manifest and blobs are all present. */
  pushablePlatforms: string[];
  root: InspectNode;
}

export interface InspectReport {
  source: string;
  format: SourceFormat;
  compression?: string;
  images: InspectImage[];
}

/** What `inspect --json` prints when it fails: the source it was given, no images, and the error (as a failed push reports it). */
export interface InspectFailure {
  status: 'error';
  source: string;
  images: [];
  error: { name: string; exitCode: number; message: string };
}

const platformOf = (d: { platform?: Descriptor['platform'] }): string | undefined => (d.platform ? platformString(d.platform) : undefined);

function blob(source: ImageSource, d: Descriptor): InspectBlob {
  return { digest: d.digest, size: d.size, mediaType: d.mediaType, compressed: isCompressedType(d.mediaType), present: source.blobs.has(d.digest) };
}

/** Uncompressed layers (digest = diff_id) stored in another order than the config's diff_ids. */
function layerOrderWarning(m: ManifestNode): string[] {
  const digests = m.layers.map((l) => l.digest);
  const sameSet = digests.length === m.diffIds.length && [...digests].sort().join() === [...m.diffIds].sort().join();
  if (!sameSet || digests.join() === m.diffIds.join()) return [];
  return ['layers are stored in a different order than the config\'s diff_ids; the manifest is pushed as stored'];
}

function describeNode(source: ImageSource, node: ImageNode): InspectNode {
  const base = { digest: node.descriptor.digest, mediaType: node.descriptor.mediaType, size: node.descriptor.size };
  if (node.kind === 'index') {
    return {
      kind: 'index',
      ...base,
      children: node.children.map((c) => describeNode(source, c)),
      absent: node.absent.map((d) => ({ digest: d.digest, mediaType: d.mediaType, ...(d.platform ? { platform: platformString(d.platform) } : {}) })),
    };
  }
  const platform = platformOf(node);
  return {
    kind: 'manifest',
    ...base,
    ...(platform ? { platform } : {}),
    synthesized: node.synthesized,
    pushable: node.missing.length === 0,
    config: blob(source, node.config),
    layers: node.layers.map((l) => blob(source, l)),
    diffIds: node.diffIds,
    warnings: layerOrderWarning(node),
  };
}

/** Read every present blob once, verifying it; an image with nothing pushable is an input error. */
async function verify(source: ImageSource, images: { image: SourceImage; root: ImageNode }[]): Promise<void> {
  const seen = new Set<string>();
  for (const { image, root } of images) {
    const manifests = manifestsOf(root);
    if (!manifests.some((m) => m.missing.length === 0)) {
      const m = manifests.find((x) => x.missing.length > 0);
      const what = m ? `blob ${m.missing[0]} (referenced by manifest ${m.descriptor.digest})` : 'every platform manifest';
      throw new InputError(`${what} is missing from ${sourceName(source)}; image ${image.position} cannot be pushed`);
    }
    for (const d of manifests.flatMap((x) => [x.config, ...x.layers])) {
      if (seen.has(d.digest) || !source.blobs.has(d.digest)) continue;
      seen.add(d.digest);
      for await (const _ of source.blobs.open(d)) {
        // Reading is the verification: the stream fails on a size or digest mismatch.
      }
    }
  }
}

export async function inspect(opts: InspectOptions): Promise<InspectReport> {
  const source = await openSource(opts.source, { ...(opts.stdin ? { stdin: opts.stdin } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  try {
    const chosen =
      opts.image || opts.platform
        ? [selectImage(source, opts, { allowMissing: true })]
        : source.images.map((image) => ({ image, root: image.root }));
    await verify(source, chosen);
    return {
      source: source.location,
      format: source.format,
      ...(source.compression ? { compression: source.compression } : {}),
      images: chosen.map(({ image, root }) => ({
        position: image.position,
        tags: image.tags,
        pushablePlatforms: manifestsOf(root).filter((m) => m.missing.length === 0).map((m) => platformOf(m) ?? 'unknown platform'),
        root: describeNode(source, root),
      })),
    };
  } finally {
    await source.close();
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
function bytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[i]}`;
}

function blobLine(role: string, b: InspectBlob): string {
  const notes = [b.compressed ? 'compressed' : 'uncompressed', b.present ? '' : 'MISSING'].filter(Boolean).join(', ');
  return `${role.padEnd(6)} ${b.digest}  ${bytes(b.size).padStart(9)}  ${b.mediaType} (${notes})`;
}

/** Why a default push of uncompressed tar layers puts another manifest digest than the one shown (the plan's rule). */
const UNCOMPRESSED_NOTE = 'a push gzips the uncompressed layers (--compression auto), so ECR gets a manifest with another digest; --compression none pushes this one';

function nodeLines(node: InspectNode, indent: string): string[] {
  if (node.kind === 'index') {
    return [
      `${indent}index ${node.digest} (${node.mediaType}, ${bytes(node.size)})`,
      ...node.children.flatMap((c) => nodeLines(c, `${indent}  `)),
      ...node.absent.map((a) => `${indent}  ${a.platform ?? 'unknown platform'}: manifest ${a.digest} not in the source (cannot be pushed)`),
    ];
  }
  const head = `${indent}${node.platform ?? 'unknown platform'}: manifest ${node.digest} (${node.mediaType}, ${bytes(node.size)}${node.synthesized ? ', built from manifest.json' : ''})`;
  return [
    head,
    `${indent}  ${blobLine('config', node.config)}`,
    ...node.layers.map((l) => `${indent}  ${blobLine('layer', l)}`),
    ...(node.layers.some((l) => gzipMediaTypeOf(l.mediaType) !== undefined) ? [`${indent}  note: ${UNCOMPRESSED_NOTE}`] : []),
    ...node.warnings.map((w) => `${indent}  warning: ${w}`),
  ];
}

/** Human-readable text of an InspectReport, for the terminal. */
export function formatInspect(report: InspectReport): string {
  const lines = [`${report.source}: ${report.format}${report.compression ? ` (${report.compression}-compressed)` : ''}, ${report.images.length} image(s)`];
  for (const img of report.images) {
    lines.push('', `image ${img.position}: ${img.tags.length ? img.tags.join(', ') : '(no tags)'}`);
    lines.push(...nodeLines(img.root, '  '));
    lines.push(`  pushable platforms: ${img.pushablePlatforms.length ? img.pushablePlatforms.join(', ') : 'none'}`);
  }
  return `${lines.join('\n')}\n`;
}
