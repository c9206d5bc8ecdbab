/** Reading a manifest the way PutImage does: its media type, and the digests it references. */
import { invalidParameter } from './errors.js';

export const MANIFEST_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
]);
export const INDEX_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
]);

interface Reference {
  digest: string;
  size: number;
  mediaType?: string;
  urls?: string[];
}

export interface ParsedManifest {
  mediaType: string;
  kind: 'manifest' | 'index';
  /** manifest: config then layers that must be in the repository; index: child manifests. */
  references: Reference[];
  /** The config's media type (DescribeImages' artifactMediaType), manifests only. */
  configMediaType?: string;
}

const invalidJson = () => invalidParameter("Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");

/** Parses the manifest text; the media type comes from the body, else from `declared`. */
export function parseManifest(text: string, declared: string | undefined): ParsedManifest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidJson();
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidJson();
  const doc = body as Record<string, unknown>;
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (own !== undefined && declared !== undefined && own !== declared) {
    throw invalidParameter(
      `Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'Manifest MediaType '${own}' does not match '${declared}''`,
    );
  }
  const mediaType = own ?? declared;
  if (mediaType === undefined) throw invalidJson();
  if (INDEX_TYPES.has(mediaType)) return { mediaType, kind: 'index', references: descriptors(doc.manifests) };
  if (!MANIFEST_TYPES.has(mediaType)) {
    throw invalidParameter(`Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'unsupported media type ${mediaType}'`);
  }
  const [config] = descriptors([doc.config]) as [Reference];
  return { mediaType, kind: 'manifest', references: [config, ...descriptors(doc.layers)], configMediaType: config.mediaType };
}

function descriptors(list: unknown): Reference[] {
  if (!Array.isArray(list)) throw invalidJson();
  return list.map((d) => {
    if (d === null || typeof d !== 'object') throw invalidJson();
    const r = d as Record<string, unknown>;
    if (typeof r.digest !== 'string' || typeof r.size !== 'number') throw invalidJson();
    return {
      digest: r.digest,
      size: r.size,
      mediaType: typeof r.mediaType === 'string' ? r.mediaType : undefined,
      urls: Array.isArray(r.urls) ? (r.urls as string[]) : undefined,
    };
  });
}

/** Foreign (non-distributable) layers with URLs are fetched from elsewhere, never pushed. */
export function mustBePushed(ref: Reference): boolean {
  return !(ref.urls && ref.urls.length > 0 && /foreign|nondistributable/.test(ref.mediaType ?? ''));
}
