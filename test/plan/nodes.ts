/** Small in-memory image nodes for plan tests, built the way the readers build them. */
import { createHash } from 'node:crypto';
import type { Descriptor, IndexNode, ManifestNode, Platform } from '../../src/image/types.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_TGZ = 'application/vnd.oci.image.layer.v1.tar+gzip';

export const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function desc(name: string, mediaType: string, size = 100): Descriptor {
  return { mediaType, digest: sha(name), size };
}

export function manifest(config: Descriptor, layers: Descriptor[], platform?: Platform): ManifestNode {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }, null, 2));
  return {
    kind: 'manifest',
    descriptor: { mediaType: OCI_MANIFEST, digest: sha(bytes.toString()), size: bytes.length, ...(platform ? { platform } : {}) },
    bytes, synthesized: false, config, layers, diffIds: layers.map((l) => sha(`diff ${l.digest}`)), missing: [],
    ...(platform ? { platform } : {}),
  };
}

export function index(children: ManifestNode[]): IndexNode {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children.map((c) => c.descriptor) }));
  return {
    kind: 'index', descriptor: { mediaType: OCI_INDEX, digest: sha(bytes.toString()), size: bytes.length },
    bytes, children, absent: [],
  };
}
