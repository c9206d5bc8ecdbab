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
import { createRepository, IDS_PER_CALL, type StoredImage } from './images.js';
import { describeRepository, taggedImages, type RepositoryFacts } from './repository.js';
import { errorName, type Transport } from './transport.js';

export interface FirstQuestions {
  /** The digests the blobs will have in ECR, as far as known before sending. */
  digests: string[];
  tags: string[];
  dryRun: boolean;
  createRepository: boolean;
}

export interface FirstAnswers {
  present: BlobsInEcr;
  facts: RepositoryFacts | undefined;
  /** What each tag names, when they were asked about. */
  named: ReadonlyMap<string, StoredImage> | undefined;
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
  const lookUp = !q.dryRun && q.tags.length > 0 && q.tags.length <= IDS_PER_CALL ? taggedImages(t, q.tags) : undefined;
  const [present, facts, named] = await Promise.all([findPresent(t, q), describeRepository(t), lookUp]);
  return { present, facts, named };
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
