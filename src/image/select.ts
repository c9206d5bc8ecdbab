/** Choose what to push from a source: `--image` (tag or 1-based position) and `--platform`. */
import { InputError, UsageError } from '../errors.js';
import { tagOf } from '../reference.js';
import { platformString } from './descriptor.js';
import type { Descriptor, ImageNode, ImageSource, ManifestNode, Platform, SelectOptions, SourceImage } from './types.js';

export interface SelectBehaviour {
  /** Return a selection even when blobs or child manifests are missing (inspect). Default false. */
  allowMissing?: boolean;
}

/** How messages name a source: its path, or `standard input`. */
export function sourceName(source: ImageSource): string {
  return source.location === '-' ? 'standard input' : source.location;
}

/** `1 (a:1, b:2)` per image, for error messages. */
function describeChoices(images: SourceImage[]): string {
  return images.map((i) => `${i.position} (${i.tags.length ? i.tags.join(', ') : `untagged ${i.root.descriptor.digest.slice(0, 19)}`})`).join('; ');
}

function pickImage(source: ImageSource, wanted: string | undefined): SourceImage {
  const { images } = source;
  if (wanted === undefined || wanted === '') {
    if (images.length === 1) return images[0]!;
    throw new InputError(`${sourceName(source)} holds ${images.length} images; choose one with --image: ${describeChoices(images)}`, { problem: 'choice' });
  }
  if (/^\d+$/.test(wanted)) {
    const found = images.find((i) => i.position === Number(wanted));
    if (!found) throw new InputError(`${sourceName(source)} has no image ${JSON.stringify(wanted)}; choices: ${describeChoices(images)}`, { problem: 'choice' });
    return found;
  }
  const exact = images.filter((i) => i.tags.includes(wanted));
  const matches = exact.length > 0 ? exact : images.filter((i) => i.tags.some((t) => tagMatches(t, wanted)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new InputError(`${sourceName(source)} has no image ${JSON.stringify(wanted)}; choices: ${describeChoices(images)}`, { problem: 'choice' });
  // Two images under one name: choosing the first would push one of them silently.
  throw new InputError(`${sourceName(source)} has ${matches.length} images named ${JSON.stringify(wanted)}; choose one by position with --image: ${describeChoices(matches)}`, { problem: 'choice' });
}

/**
 * `example.com/app:v1` is also found as `app:v1`, as its tag `v1` and as its name
 * `example.com/app` (or `app`); an OCI ref.name `v1` as `v1`. Several images found so are an
 * ambiguity the caller reports.
 */
function tagMatches(tag: string, wanted: string): boolean {
  const colon = tag.lastIndexOf(':');
  const name = colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
  return tag.endsWith(`/${wanted}`) || tagOf(tag) === wanted || name === wanted || name.endsWith(`/${wanted}`);
}

/** Parse `os/arch[/variant]`; a malformed value is a usage error. */
export function parsePlatformFlag(value: string): Platform {
  const parts = value.toLowerCase().split('/'); // platform values are lower-case (GOOS, GOARCH)
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new UsageError(`--platform ${JSON.stringify(value)} is not os/arch[/variant]`);
  }
  const [os, architecture, variant] = parts as [string, string, string?];
  return variant ? { os, architecture, variant } : { os, architecture };
}

function platformMatches(p: Platform | undefined, want: Platform): boolean {
  if (!p || p.os !== want.os || p.architecture !== want.architecture) return false;
  return want.variant === undefined || (p.variant ?? defaultVariant(p.architecture)) === want.variant;
}

function defaultVariant(arch: string): string | undefined {
  return arch === 'arm64' ? 'v8' : undefined;
}

/** Every manifest under a node, depth first. */
export function manifestsOf(node: ImageNode): ManifestNode[] {
  return node.kind === 'manifest' ? [node] : node.children.flatMap(manifestsOf);
}

/** Child descriptors whose manifests the source lacks, anywhere under a node. */
export function absentOf(node: ImageNode): Descriptor[] {
  return node.kind === 'manifest' ? [] : [...node.absent, ...node.children.flatMap(absentOf)];
}

function describePlatform(p: Platform | undefined): string {
  return p ? platformString(p) : 'unknown platform';
}

/** Platforms of `node` whose manifests and blobs are all in the source. */
export function pushablePlatforms(node: ImageNode): string[] {
  return manifestsOf(node).filter((m) => m.missing.length === 0).map((m) => describePlatform(m.platform));
}

function pickPlatform(source: ImageSource, image: SourceImage, wanted: Platform): ImageNode {
  const want = platformString(wanted);
  const matches = manifestsOf(image.root).filter((m) => platformMatches(m.platform, wanted));
  const distinct = [...new Set(matches.map((m) => describePlatform(m.platform)))];
  if (distinct.length > 1) {
    throw new InputError(`${sourceName(source)}: --platform ${want} matches ${distinct.join(', ')}; give the variant too`);
  }
  const digests = [...new Set(matches.map((m) => m.descriptor.digest))];
  if (digests.length > 1) {
    // Two manifests of one platform (buildx lists its attestations as unknown/unknown): never a guess.
    throw new InputError(`${sourceName(source)}: --platform ${want} matches ${digests.length} manifests (${digests.join(', ')}); without --platform the index is taken whole`, { problem: 'choice' });
  }
  if (matches[0]) return matches[0];
  if (absentOf(image.root).some((d) => platformMatches(d.platform, wanted))) {
    throw new InputError(`${sourceName(source)}: platform ${want} is listed but its manifest is not in the archive`);
  }
  const offered = manifestsOf(image.root).map((m) => describePlatform(m.platform));
  throw new InputError(`${sourceName(source)}: image ${image.position} has no platform ${want}; platforms: ${offered.join(', ')}`);
}

function checkPushable(source: ImageSource, node: ImageNode): void {
  const missing = [...new Set(manifestsOf(node).flatMap((m) => m.missing))];
  const absent = absentOf(node);
  if (missing.length === 0 && absent.length === 0) return;
  const what = [
    missing.length ? `${missing.length} blob(s) missing (${missing[0]}${missing.length > 1 ? ', ...' : ''})` : '',
    absent.length ? `manifests of ${absent.map((d) => describePlatform(d.platform)).join(', ')} missing` : '',
  ].filter(Boolean).join(', ');
  const pushable = pushablePlatforms(node);
  const advice = node.kind === 'index' && pushable.length ? `; pushable with --platform: ${pushable.join(', ')}` : '';
  throw new InputError(`${sourceName(source)}: cannot push ${node.descriptor.digest}: ${what}${advice}`);
}

/**
 * Resolve `--image` and `--platform`. Without `--platform` an index is chosen whole. Throws an
 * InputError listing the choices when the selection is ambiguous or matches nothing, and (unless
 * `allowMissing`) when the chosen node cannot be pushed because content is missing.
 */
export function selectImage(source: ImageSource, opts: SelectOptions, behaviour: SelectBehaviour = {}): { image: SourceImage; root: ImageNode } {
  const image = pickImage(source, opts.image);
  const root = opts.platform ? pickPlatform(source, image, parsePlatformFlag(opts.platform)) : image.root;
  if (!behaviour.allowMissing) checkPushable(source, root);
  return { image, root };
}
