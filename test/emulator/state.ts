/**
 * What the emulated registry holds: repositories with their blobs, images and tags, and the blob
 * files on disk (content-addressed, shared by all repositories, as a registry stores them).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsError, invalidParameter } from './errors.js';
import type { AbsentLayerMode, TagMutability } from './types.js';

export interface StoredImage {
  digest: string;
  /** The manifest bytes exactly as PutImage received them. */
  bytes: Buffer;
  mediaType: string;
  /** Config and layer sizes summed, for DescribeImages. */
  sizeInBytes: number;
  pushedAt: Date;
}

export interface Repository {
  name: string;
  mutability: TagMutability;
  /** The wildcard exclusion filters of a *_WITH_EXCLUSION mode. */
  exclusionFilters: string[];
  createdAt: Date;
  /** Blob digests this repository holds. */
  blobs: Set<string>;
  images: Map<string, StoredImage>;
  /** tag -> manifest digest */
  tags: Map<string, string>;
}

export interface Settings {
  region: string;
  accountId: string;
  partSize: number;
  minPartSize: number;
  absentLayers: AbsentLayerMode;
  /** 'http://127.0.0.1:PORT', for GetAuthorizationToken's proxyEndpoint. */
  endpoint: string;
}

const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export class State {
  readonly repositories = new Map<string, Repository>();
  /** Size of every blob on disk, by digest. */
  readonly blobSizes = new Map<string, number>();

  constructor(
    readonly settings: Settings,
    readonly dataDir: string,
  ) {}

  blobPath(digest: string): string {
    return join(this.dataDir, 'blobs', digest.replace(':', '-'));
  }

  uploadPath(uploadId: string): string {
    return join(this.dataDir, 'uploads', uploadId);
  }

  createRepository(name: string, mutability: TagMutability = 'MUTABLE', exclusionFilters: string[] = []): Repository {
    checkRepositoryName(name);
    if (this.repositories.has(name)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${this.settings.accountId}'`,
      );
    }
    const repo: Repository = { name, mutability, exclusionFilters, createdAt: new Date(), blobs: new Set(), images: new Map(), tags: new Map() };
    this.repositories.set(name, repo);
    return repo;
  }

  /**
   * Drops a repository and deletes the blob files no other repository holds. Whether another
   * repository holds a blob is asked right before its file goes, so a layer that another
   * repository completes meanwhile keeps its file.
   */
  async removeRepository(name: string): Promise<void> {
    const repo = this.repositories.get(name);
    if (!repo) return;
    this.repositories.delete(name);
    for (const digest of repo.blobs) {
      if ([...this.repositories.values()].some((r) => r.blobs.has(digest))) continue;
      this.blobSizes.delete(digest);
      await rm(this.blobPath(digest), { force: true });
    }
  }

  /** The repository an input names, or the RepositoryNotFoundException ECR answers with. */
  repository(input: Record<string, unknown>): Repository {
    this.checkRegistryId(input.registryId);
    const name = input.repositoryName;
    if (typeof name !== 'string') throw invalidParameter("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must not be null'");
    checkRepositoryName(name);
    const repo = this.repositories.get(name);
    if (!repo) throw this.repositoryNotFound(name);
    return repo;
  }

  repositoryNotFound(name: string): AwsError {
    return new AwsError(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${this.settings.accountId}'`,
    );
  }

  checkRegistryId(registryId: unknown): void {
    if (registryId === undefined) return;
    if (typeof registryId !== 'string' || !/^[0-9]{12}$/.test(registryId)) {
      throw invalidParameter("Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''");
    }
    if (registryId !== this.settings.accountId) {
      throw new AwsError('RepositoryNotFoundException', `The registry with id '${registryId}' is not accessible with these credentials`);
    }
  }

  repositoryArn(repo: Repository): string {
    return `arn:aws:ecr:${this.settings.region}:${this.settings.accountId}:repository/${repo.name}`;
  }

  repositoryUri(repo: Repository): string {
    return `${this.settings.accountId}.dkr.ecr.${this.settings.region}.amazonaws.com/${repo.name}`;
  }
}

export function checkRepositoryName(name: string): void {
  if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw invalidParameter(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPOSITORY_NAME.source}''`,
    );
  }
}

/**
 * Whether PutImage may not move `tag` in the repository: the mode's own rule, turned the other
 * way for a tag that matches an exclusion filter (`*` matches any run of characters).
 */
export function tagIsImmutable(repo: Repository, tag: string): boolean {
  const immutable = repo.mutability.startsWith('IMMUTABLE');
  if (!repo.mutability.endsWith('_WITH_EXCLUSION')) return immutable;
  const excluded = repo.exclusionFilters.some((f) => new RegExp(`^${f.split('*').map((p) => p.replace(/[.\\-]/g, '\\$&')).join('.*')}$`).test(tag));
  return excluded ? !immutable : immutable;
}
