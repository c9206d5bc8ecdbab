/** Layer media types and their gzip counterparts of the same family (Docker or OCI). */

const GZIP_OF: Readonly<Record<string, string>> = {
  'application/vnd.docker.image.rootfs.diff.tar': 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** The gzip media type for an uncompressed tar layer, or undefined when the layer is not one. */
export function gzipMediaTypeOf(mediaType: string): string | undefined {
  return GZIP_OF[mediaType];
}

/** The four manifest media types ECR serves (BatchGetImage acceptedMediaTypes). */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
] as const;

/** ECR's limit on a manifest: 4,194,304 characters. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
