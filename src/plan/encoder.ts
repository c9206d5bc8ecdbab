/**
 * The gzip encoder layers are compressed with, and the key that names its output: the same
 * input under the same key always gives the same bytes, so a re-push finds its layers.
 */
export { gzipReader as layerEncoder, gzipEncoderKey as layerEncoderKey } from '../compress/gzip.js';
