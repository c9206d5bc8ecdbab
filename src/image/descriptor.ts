/** Checked parsing of OCI descriptors and platforms out of untrusted JSON. */
import { InputError } from '../errors.js';
import { checkDigest } from './digest.js';
import type { Descriptor, Platform } from './types.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A descriptor with a valid digest and size, or an InputError naming `where`. */
export function parseDescriptor(raw: unknown, where: string, fallbackMediaType = ''): Descriptor {
  if (!isObject(raw)) throw new InputError(`${where}: descriptor is not an object`);
  const digest = checkDigest(raw.digest, where);
  const size = raw.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InputError(`${where}: descriptor ${digest} has an invalid size ${JSON.stringify(size)}`);
  }
  const desc: Descriptor = {
    mediaType: typeof raw.mediaType === 'string' ? raw.mediaType : fallbackMediaType,
    digest,
    size,
  };
  const platform = parsePlatform(raw.platform);
  if (platform) desc.platform = platform;
  if (isObject(raw.annotations)) desc.annotations = raw.annotations as Record<string, string>;
  if (typeof raw.artifactType === 'string') desc.artifactType = raw.artifactType;
  if (Array.isArray(raw.urls)) desc.urls = raw.urls.filter((u): u is string => typeof u === 'string');
  return desc;
}

/** The platform fields of a descriptor or an image config, when `os` and `architecture` are present. */
export function parsePlatform(raw: unknown): Platform | undefined {
  if (!isObject(raw) || typeof raw.os !== 'string' || typeof raw.architecture !== 'string') return undefined;
  if (raw.os === '' || raw.architecture === '') return undefined;
  const p: Platform = { os: raw.os, architecture: raw.architecture };
  if (typeof raw.variant === 'string' && raw.variant !== '') p.variant = raw.variant;
  if (typeof raw['os.version'] === 'string') p['os.version'] = raw['os.version'];
  if (Array.isArray(raw['os.features'])) p['os.features'] = raw['os.features'].filter((f): f is string => typeof f === 'string');
  return p;
}

/** `os/arch[/variant]`. */
export function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
