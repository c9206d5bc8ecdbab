/** Layer media types and their gzip counterparts of the same family (Docker or OCI). */
import {
  DOCKER_LAYER, DOCKER_LAYER_GZIP, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_LAYER, OCI_LAYER_GZIP, OCI_MANIFEST,
} from '../image/media-types.js';

const GZIP_OF: Readonly<Record<string, string>> = {
  [DOCKER_LAYER]: DOCKER_LAYER_GZIP,
  [OCI_LAYER]: OCI_LAYER_GZIP,
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** The gzip media type for an uncompressed tar layer, or undefined when the layer is not one. */
export function gzipMediaTypeOf(mediaType: string): string | undefined {
  return GZIP_OF[mediaType];
}

/** The four manifest media types ECR serves (BatchGetImage acceptedMediaTypes). */
export const MANIFEST_MEDIA_TYPES = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX] as const;

/** ECR's limit on a manifest: 4,194,304 characters. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
