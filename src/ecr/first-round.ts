/**
 * A push's first round of requests, sent together: which blobs ECR has
 * (BatchCheckLayerAvailability), the repository's tag mutability (DescribeRepositories) and
 * which images its tags name (BatchGetImage), so that a re-push whose every tag already names
 * the image is done after this one round.
 *
 * With --create-repository the repository is created only when this round finds it missing
 * (RepositoryNotFoundException), and the round is asked again: a repository that exists costs
 * no CreateRepository call. A dry run creates nothing and treats a missing repository as empty.
 */
import type { BlobsInEcr } from './check.js';
import { checkBlobs } from './check.js';
import { byTag, createRepository, IDS_PER_CALL, imagesIfReadable, type StoredImage } from './images.js';
import { describeRepository, type RepositoryFacts } from './repository.js';
import { errorName, type Transport } from './transport.js';

export interface FirstQuestions {
  /** The digests the blobs will have in ECR, as far as known before sending. */
  digests: string[];
  tags: string[];
  /** Further images to read (`--layers-from`), by tag or digest. */
  layersFrom: ({ imageTag: string } | { imageDigest: string })[];
  dryRun: boolean;
  createRepository: boolean;
}

export interface FirstAnswers {
  present: BlobsInEcr;
  facts: RepositoryFacts | undefined;
  /** What each tag names, when they were asked about. */
  named: ReadonlyMap<string, StoredImage> | undefined;
  /** The images of `layersFrom` the repository has. */
  layersFrom: StoredImage[];
}

/**
 * One BatchGetImage for the tags and the `layersFrom` images (when they fit in one call, not in
 * a dry run): what each tag names (undefined without tags), and the `layersFrom` images found.
 * A failure (no ecr:BatchGetImage) answers that nothing was found.
 */
async function lookUp(t: Transport, q: FirstQuestions): Promise<Pick<FirstAnswers, 'named' | 'layersFrom'>> {
  const ids = [...q.tags.map((imageTag) => ({ imageTag })), ...q.layersFrom];
  if (q.dryRun || ids.length === 0 || ids.length > IDS_PER_CALL) return { named: undefined, layersFrom: [] };
  const images = await imagesIfReadable(t, ids);
  const tags = new Set(q.tags);
  const named = q.tags.length > 0 ? byTag(images.filter((i) => i.tag !== undefined && tags.has(i.tag))) : undefined;
  const wanted = (i: StoredImage): boolean => q.layersFrom.some((id) => ('imageTag' in id ? id.imageTag === i.tag : id.imageDigest === i.digest));
  return { named, layersFrom: images.filter(wanted) };
}

async function findPresent(t: Transport, q: FirstQuestions): Promise<BlobsInEcr> {
  try {
    return await checkBlobs(t, q.digests);
  } catch (err) {
    if (!q.dryRun || !q.createRepository || errorName(err) !== 'RepositoryNotFoundException') throw err;
    t.onEvent({ type: 'info', message: `dry run: would create repository ${t.repositoryName}` });
    return new Map();
  }
}

async function ask(t: Transport, q: FirstQuestions): Promise<FirstAnswers> {
  const [present, facts, images] = await Promise.all([findPresent(t, q), describeRepository(t), lookUp(t, q)]);
  return { present, facts, ...images };
}

export async function firstRound(t: Transport, q: FirstQuestions): Promise<FirstAnswers> {
  try {
    return await ask(t, q);
  } catch (err) {
    if (!q.createRepository || q.dryRun || errorName(err) !== 'RepositoryNotFoundException') throw err;
    const made = await createRepository(t);
    t.onEvent({ type: 'info', message: made === 'created' ? `created repository ${t.repositoryName}` : `repository ${t.repositoryName} already exists` });
    return ask(t, q);
  }
}
