/** The image calls: PutImage (with ECR's manifest, digest and tag rules), BatchGetImage, DescribeImages. */
import { createHash } from 'node:crypto';
import { AwsError, invalidParameter } from './errors.js';
import { optionalString, requiredList, requiredString } from './input.js';
import { mustBePushed, parseManifest } from './manifest.js';
import { SHA256_DIGEST, tagIsImmutable, type Repository, type State, type StoredImage } from './state.js';

type Input = Record<string, unknown>;
interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

/** PutImage's limit on imageManifest, in characters. */
const MAX_MANIFEST_CHARS = 4_194_304;
/** Layers per image: not on the quota page, measured in the wild. */
const MAX_LAYERS = 500;

export class Images {
  constructor(private readonly state: State) {}

  putImage(input: Input): unknown {
    const repo = this.state.repository(input);
    const text = requiredString(input, 'imageManifest');
    if (text.length > MAX_MANIFEST_CHARS) {
      throw invalidParameter(`Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length less than or equal to ${MAX_MANIFEST_CHARS}'`);
    }
    const tag = optionalString(input, 'imageTag');
    if (tag !== undefined && (tag.length < 1 || tag.length > 300)) {
      throw invalidParameter("Invalid parameter at 'imageTag' failed to satisfy constraint: 'Member must have length between 1 and 300'");
    }
    const manifest = parseManifest(text, optionalString(input, 'imageManifestMediaType'));
    if (manifest.kind === 'manifest' && manifest.references.length - 1 > MAX_LAYERS) {
      throw invalidParameter('Limit on number of layers per image exceeded');
    }
    const bytes = Buffer.from(text, 'utf8');
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const claimed = optionalString(input, 'imageDigest');
    if (claimed !== undefined && claimed !== digest) {
      throw new AwsError('ImageDigestDoesNotMatchException', `The provided digest ${claimed} does not match the computed digest ${digest}`);
    }
    this.checkReferences(repo, manifest);
    this.checkTag(repo, digest, tag);
    if (!repo.images.has(digest)) {
      const sizeInBytes = manifest.references.reduce((sum, r) => sum + r.size, 0);
      repo.images.set(digest, { digest, bytes, mediaType: manifest.mediaType, sizeInBytes, pushedAt: new Date() });
    }
    if (tag !== undefined) repo.tags.set(tag, digest);
    return {
      image: {
        registryId: this.state.settings.accountId,
        repositoryName: repo.name,
        imageId: { imageDigest: digest, imageTag: tag },
        imageManifest: text,
        imageManifestMediaType: manifest.mediaType,
      },
    };
  }

  private checkReferences(repo: Repository, manifest: ReturnType<typeof parseManifest>): void {
    if (manifest.kind === 'manifest') {
      const missing = manifest.references.filter((r) => mustBePushed(r) && !repo.blobs.has(r.digest)).map((r) => r.digest);
      if (missing.length > 0) {
        throw new AwsError(
          'LayersNotFoundException',
          `Layers with digests '[${missing.join(', ')}]' required for pushing image into repository with name '${repo.name}' in the registry with id '${this.state.settings.accountId}' do not exist`,
        );
      }
    } else {
      const missing = manifest.references.filter((r) => !repo.images.has(r.digest)).map((r) => r.digest);
      if (missing.length > 0) {
        throw new AwsError('ReferencedImagesNotFoundException', `Some of the referenced images don't exist in the repository: [${missing.join(', ')}]`);
      }
    }
  }

  private checkTag(repo: Repository, digest: string, tag: string | undefined): void {
    const current = tag === undefined ? undefined : repo.tags.get(tag);
    const unchanged = tag === undefined ? repo.images.has(digest) : current === digest;
    if (unchanged) {
      throw new AwsError(
        'ImageAlreadyExistsException',
        `Image with digest '${digest}'${tag === undefined ? '' : ` and tag '${tag}'`} already exists in the repository with name '${repo.name}' in registry with id '${this.state.settings.accountId}'`,
      );
    }
    if (current !== undefined && tag !== undefined && tagIsImmutable(repo, tag)) {
      throw new AwsError(
        'ImageTagAlreadyExistsException',
        `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
      );
    }
  }

  batchGetImage(input: Input): unknown {
    const repo = this.state.repository(input);
    const ids = requiredList<ImageId>(input, 'imageIds', 1, 100);
    const accepted = input.acceptedMediaTypes === undefined ? undefined : (requiredList<string>(input, 'acceptedMediaTypes', 1, 100));
    const images: unknown[] = [];
    const failures: unknown[] = [];
    for (const imageId of ids) {
      const found = this.resolve(repo, imageId);
      if (typeof found === 'string') {
        failures.push({ imageId, failureCode: found, failureReason: FAILURE_REASONS[found] });
      } else if (accepted && !accepted.includes(found.mediaType)) {
        failures.push({ imageId, failureCode: 'ImageNotFound', failureReason: `Requested image is not available as any of: ${accepted.join(', ')}` });
      } else {
        images.push({
          registryId: this.state.settings.accountId,
          repositoryName: repo.name,
          imageId: { imageDigest: found.digest, imageTag: imageId.imageTag },
          imageManifest: found.bytes.toString('utf8'),
          imageManifestMediaType: found.mediaType,
        });
      }
    }
    return { images, failures };
  }

  /** The stored image an ImageId names, or the failure code BatchGetImage reports. */
  private resolve(repo: Repository, id: ImageId): StoredImage | keyof typeof FAILURE_REASONS {
    if (id === null || typeof id !== 'object' || (id.imageDigest === undefined && id.imageTag === undefined)) return 'MissingDigestAndTag';
    if (id.imageDigest !== undefined && !SHA256_DIGEST.test(id.imageDigest)) return 'InvalidImageDigest';
    const byTag = id.imageTag === undefined ? undefined : repo.tags.get(id.imageTag);
    if (id.imageTag !== undefined && id.imageDigest !== undefined && byTag !== undefined && byTag !== id.imageDigest) {
      return 'ImageTagDoesNotMatchDigest';
    }
    const image = repo.images.get(id.imageDigest ?? byTag ?? '');
    return image ?? 'ImageNotFound';
  }

  describeImages(input: Input): unknown {
    const repo = this.state.repository(input);
    let images = [...repo.images.values()];
    if (input.imageIds !== undefined) {
      images = requiredList<ImageId>(input, 'imageIds', 1, 100).map((id) => {
        const found = this.resolve(repo, id);
        if (typeof found === 'string') {
          throw new AwsError(
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${id?.imageDigest ?? 'null'}', imageTag:'${id?.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${this.state.settings.accountId}'`,
          );
        }
        return found;
      });
    }
    const tagsOf = (digest: string) => [...repo.tags].filter(([, d]) => d === digest).map(([t]) => t);
    const tagStatus = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
    images = images.filter((i) => tagStatus === 'ANY' || (tagStatus === 'TAGGED') === tagsOf(i.digest).length > 0);
    const details = images.map((i) => {
      const tags = tagsOf(i.digest);
      return {
        registryId: this.state.settings.accountId,
        repositoryName: repo.name,
        imageDigest: i.digest,
        imageTags: tags.length > 0 ? tags : undefined,
        imageSizeInBytes: i.sizeInBytes,
        imagePushedAt: i.pushedAt.getTime() / 1000,
        imageManifestMediaType: i.mediaType,
      };
    });
    return { imageDetails: details };
  }
}

const FAILURE_REASONS = {
  MissingDigestAndTag: 'Missing image digest and tag',
  InvalidImageDigest: 'Invalid image digest',
  ImageTagDoesNotMatchDigest: 'Image tag does not match digest',
  ImageNotFound: 'Requested image not found',
} as const;
