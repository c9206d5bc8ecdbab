/**
 * What ECR says of the repository before anything is uploaded: its registry, whether its tags
 * can move, and which of the push's tags it already keeps on another image.
 *
 * Both questions are optional. When ECR will not answer (DescribeRepositories or BatchGetImage
 * not allowed, a repository not created yet), the push goes on and PutImage has the last word,
 * as it always does.
 */
import { EcrServiceError } from './classify.js';
import { byTag, heldTagMessage, IDS_PER_CALL, imagesIfReadable, type StoredImage } from './images.js';
import { sendOptions, type Transport } from './transport.js';

export interface RepositoryFacts {
  registryId?: string;
  /** DescribeRepositories' imageTagMutability: MUTABLE, IMMUTABLE, or one of the *_WITH_EXCLUSION modes. */
  tagMutability?: string;
}

/** DescribeRepositories for the push's repository; undefined when ECR does not answer. */
export async function describeRepository(t: Transport): Promise<RepositoryFacts | undefined> {
  try {
    const { DescribeRepositoriesCommand } = await import('./sdk.js');
    const out = await t.client.send(
      new DescribeRepositoriesCommand({ ...(t.registryId ? { registryId: t.registryId } : {}), repositoryNames: [t.repositoryName] }),
      sendOptions(t),
    );
    const repo = out.repositories?.[0];
    if (!repo) return undefined;
    return {
      ...(repo.registryId ? { registryId: repo.registryId } : {}),
      ...(repo.imageTagMutability ? { tagMutability: repo.imageTagMutability } : {}),
    };
  } catch {
    return undefined;
  }
}

/** For each of `tags` the repository has, the image it names (one BatchGetImage); empty when ECR does not answer. */
export async function taggedImages(t: Transport, tags: readonly string[]): Promise<Map<string, StoredImage>> {
  return byTag(await imagesIfReadable(t, tags.map((imageTag) => ({ imageTag }))));
}

/**
 * Refuse, before any upload, a push whose every tag the repository keeps on another image while
 * DescribeRepositories calls it IMMUTABLE: PutImage would refuse each tag, so uploading could
 * only end in exit 11. `mayBeOurs` says whether an image ECR holds could be the one this push
 * puts (when the digest is not known yet, only what cannot change on the way tells). With some
 * tags free the push goes on (those are put, the others refused after, as PutImage decides).
 * Exclusion modes are left to PutImage: some tags may move there. `named`: what taggedImages
 * already found for these tags, if the push asked.
 */
export async function refuseHeldTags(
  t: Transport, facts: RepositoryFacts | undefined, mayBeOurs: (image: StoredImage) => boolean, tags: readonly string[],
  named?: ReadonlyMap<string, StoredImage>,
): Promise<void> {
  if (facts?.tagMutability !== 'IMMUTABLE' || tags.length === 0 || tags.length > IDS_PER_CALL) return;
  const images = named ?? await taggedImages(t, tags);
  const held = tags.filter((tag) => {
    const image = images.get(tag);
    return image !== undefined && !mayBeOurs(image);
  });
  if (held.length < tags.length) return;
  // The same failure as PutImage's refusals give (putUnderTags): no hint of its own.
  const refusals = held.map((tag) => heldTagMessage(t, tag, images.get(tag)?.digest));
  throw new EcrServiceError('ImageTagAlreadyExistsException', `${refusals.join('; ')}; nothing was uploaded`);
}
