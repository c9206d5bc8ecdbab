/** ECR's part sizes, in a module of their own so that checking `--part-size` loads no upload code. */

/** ECR's largest part: 20 MiB. */
export const MAX_PART_SIZE = 20 * 1024 * 1024;
/** ECR refuses parts below 5 MiB except the last one (LayerPartTooSmallException). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
