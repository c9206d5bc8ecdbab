/**
 * Manifests in ECR: PutImage with the exact bytes (media type and digest always set, one call
 * per tag), BatchGetImage to read images back, and CreateRepository.
 */
import { MANIFEST_MEDIA_TYPES } from '../plan/media-types.js';
import { EcrServiceError } from './classify.js';
import { errorName, repoInput, sendOptions, type Transport } from './transport.js';

export interface ManifestToPut {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

export interface StoredImage {
  manifest: string;
  mediaType: string;
  digest: string;
  /** The tag it was asked for by, when it was. */
  tag?: string;
  /** The registry (account) that holds it, when ECR says. */
  registryId?: string;
}

export interface PutOutcome {
  status: 'pushed' | 'unchanged';
  /** The registry (account) ECR stored the image in, when it said. */
  registryId?: string;
}

type ImageId = { imageTag?: string; imageDigest?: string };

/** The most image ids one BatchGetImage takes. */
export const IDS_PER_CALL = 100;

/** One BatchGetImage (at most 100 ids): the images ECR has of those asked for. */
export async function getImages(t: Transport, ids: ImageId[]): Promise<StoredImage[]> {
  const { BatchGetImageCommand } = await import('./sdk.js');
  const out = await t.client.send(
    new BatchGetImageCommand({ ...repoInput(t), imageIds: ids, acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES] }),
    sendOptions(t),
  );
  return (out.images ?? []).flatMap((image) => {
    if (!image.imageManifest || !image.imageId?.imageDigest) return [];
    return [{
      manifest: image.imageManifest,
      mediaType: image.imageManifestMediaType ?? '',
      digest: image.imageId.imageDigest,
      ...(image.imageId.imageTag ? { tag: image.imageId.imageTag } : {}),
      ...(image.registryId ? { registryId: image.registryId } : {}),
    }];
  });
}

/** getImages, or none found when ECR does not answer (a role without ecr:BatchGetImage): the callers only save work with it. */
export function imagesIfReadable(t: Transport, ids: ImageId[]): Promise<StoredImage[]> {
  return getImages(t, ids).catch(() => []);
}

/** The images asked for by tag, keyed by that tag. */
export function byTag(images: readonly StoredImage[]): Map<string, StoredImage> {
  return new Map(images.flatMap((image) => (image.tag === undefined ? [] : [[image.tag, image] as const])));
}

/** BatchGetImage for one tag or digest; undefined when ECR does not have it. */
export async function getImage(t: Transport, id: ImageId): Promise<StoredImage | undefined> {
  return (await getImages(t, [id]))[0];
}

/** Why a tag that an immutable repository keeps on another image cannot be put. */
export function heldTagMessage(t: Transport, tag: string, heldBy: string | undefined): string {
  return `tag "${tag}" already names ${heldBy ?? 'another image'} in the immutable repository ${t.repositoryName}`;
}

/**
 * Put one manifest under each of `tags` in order (`undefined`: untagged), reporting each put
 * through `onPut`. A tag that `named` (what BatchGetImage found the tags naming) shows on this
 * digest already is reported unchanged first, with no request. A tag that an immutable
 * repository keeps on another image does not stop the others: every tag is tried, then the
 * conflicts fail together (ImageTagAlreadyExistsException naming each). Any other failure stops
 * at once.
 */
export async function putUnderTags(
  t: Transport, m: ManifestToPut, tags: readonly (string | undefined)[], onPut: (tag: string | undefined, outcome: PutOutcome) => void,
  named?: ReadonlyMap<string, StoredImage>,
): Promise<void> {
  const onIt = (tag: string | undefined): boolean => tag !== undefined && named?.get(tag)?.digest === m.digest;
  for (const tag of tags) if (onIt(tag)) onPut(tag, { status: 'unchanged' });
  const conflicts: EcrServiceError[] = [];
  for (const tag of tags.filter((x) => !onIt(x))) {
    if (t.signal?.aborted) throw t.signal.reason;
    let outcome: PutOutcome;
    try {
      outcome = await putManifest(t, m, tag);
    } catch (err) {
      if (errorName(err) !== 'ImageTagAlreadyExistsException' || t.signal?.aborted) throw err;
      conflicts.push(err as EcrServiceError);
      continue;
    }
    onPut(tag, outcome);
  }
  if (conflicts.length > 0) {
    // No hint of its own: the reporting command's row gives one that fits (push or tag).
    throw new EcrServiceError('ImageTagAlreadyExistsException', conflicts.map((c) => c.message).join('; '), { cause: conflicts[0] });
  }
}

/**
 * Put one manifest under one tag (or none). ImageAlreadyExists, and ImageTagAlreadyExists when the
 * tag already names this digest, are "unchanged"; any other conflict fails.
 */
export async function putManifest(t: Transport, m: ManifestToPut, tag?: string): Promise<PutOutcome> {
  const { PutImageCommand } = await import('./sdk.js');
  try {
    const out = await t.client.send(
      new PutImageCommand({
        ...repoInput(t),
        imageManifest: m.bytes.toString('utf8'),
        imageManifestMediaType: m.mediaType,
        imageDigest: m.digest,
        ...(tag !== undefined ? { imageTag: tag } : {}),
      }),
      sendOptions(t),
    );
    const got = out.image?.imageId?.imageDigest;
    if (got !== undefined && got !== m.digest) {
      throw new EcrServiceError('ImageDigestDoesNotMatchException', `ECR stored the manifest as ${got}, but ${m.digest} was sent`);
    }
    return { status: 'pushed', ...(out.image?.registryId ? { registryId: out.image.registryId } : {}) };
  } catch (err) {
    const name = errorName(err);
    if (name === 'ImageAlreadyExistsException') return { status: 'unchanged' };
    if (name === 'ImageTagAlreadyExistsException' && tag !== undefined) {
      const current = await getImage(t, { imageTag: tag });
      if (current?.digest === m.digest) return { status: 'unchanged' };
      throw new EcrServiceError('ImageTagAlreadyExistsException', heldTagMessage(t, tag, current?.digest), {
        cause: err, hint: 'push under a new tag, or by digest (repo@sha256:...)',
      });
    }
    throw err;
  }
}

/** CreateRepository; one that already exists (maybe created by a concurrent push) is fine. */
export async function createRepository(t: Transport): Promise<'created' | 'exists'> {
  const { CreateRepositoryCommand } = await import('./sdk.js');
  try {
    await t.client.send(new CreateRepositoryCommand(repoInput(t)), sendOptions(t));
    return 'created';
  } catch (err) {
    if (errorName(err) === 'RepositoryAlreadyExistsException') return 'exists';
    throw err;
  }
}
