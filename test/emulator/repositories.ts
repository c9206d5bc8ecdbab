/** The registry-level calls: CreateRepository, DescribeRepositories, GetAuthorizationToken. */
import { invalidParameter } from './errors.js';
import { optionalString, requiredList, requiredString, requiredStringList } from './input.js';
import type { Repository, State } from './state.js';
import type { TagMutability } from './types.js';

type Input = Record<string, unknown>;

/** The password GetAuthorizationToken hands out (user 'AWS'); the read side does not check it. */
export const REGISTRY_PASSWORD = 'emulator-registry-password';
const TOKEN_LIFETIME_S = 12 * 3600;

/** CreateRepository's imageTagMutabilityExclusionFilters, checked as ECR documents them: WILDCARD filters of [0-9a-zA-Z._*-]{1,128}. */
function exclusionFilters(input: Input): string[] {
  if (input.imageTagMutabilityExclusionFilters === undefined) return [];
  return requiredList<unknown>(input, 'imageTagMutabilityExclusionFilters', 1, 100).map((member) => {
    const f = typeof member === 'object' && member !== null ? (member as Input) : {};
    const filter = requiredString(f, 'filter');
    if (requiredString(f, 'filterType') !== 'WILDCARD') {
      throw invalidParameter("Invalid parameter at 'filterType' failed to satisfy constraint: 'Member must satisfy enum value set: [WILDCARD]'");
    }
    if (!/^[0-9a-zA-Z._*-]{1,128}$/.test(filter)) {
      throw invalidParameter("Invalid parameter at 'filter' failed to satisfy constraint: 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$'");
    }
    return filter;
  });
}

export class Repositories {
  constructor(private readonly state: State) {}

  createRepository(input: Input): unknown {
    this.state.checkRegistryId(input.registryId);
    const name = requiredString(input, 'repositoryName');
    const requested = optionalString(input, 'imageTagMutability') ?? 'MUTABLE';
    if (!/^(MUTABLE|IMMUTABLE)(_WITH_EXCLUSION)?$/.test(requested)) {
      throw invalidParameter(`Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]'`);
    }
    const repo = this.state.createRepository(name, requested as TagMutability, exclusionFilters(input));
    return { repository: this.describe(repo) };
  }

  describeRepositories(input: Input): unknown {
    this.state.checkRegistryId(input.registryId);
    if (input.repositoryNames === undefined) {
      return { repositories: [...this.state.repositories.values()].map((r) => this.describe(r)) };
    }
    const names = requiredStringList(input, 'repositoryNames', 1, 100);
    return {
      repositories: names.map((name) => {
        const repo = this.state.repositories.get(name);
        if (!repo) throw this.state.repositoryNotFound(name);
        return this.describe(repo);
      }),
    };
  }

  getAuthorizationToken(input: Input): unknown {
    if (Array.isArray(input.registryIds)) input.registryIds.forEach((id) => this.state.checkRegistryId(id));
    else if (input.registryIds !== undefined) throw invalidParameter("Invalid parameter at 'registryIds' failed to satisfy constraint: 'must be a list'");
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64'),
          expiresAt: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S,
          proxyEndpoint: this.state.settings.endpoint,
        },
      ],
    };
  }

  private describe(repo: Repository): unknown {
    return {
      repositoryArn: this.state.repositoryArn(repo),
      registryId: this.state.settings.accountId,
      repositoryName: repo.name,
      repositoryUri: this.state.repositoryUri(repo),
      createdAt: repo.createdAt.getTime() / 1000,
      imageTagMutability: repo.mutability,
      ...(repo.exclusionFilters.length > 0 ? { imageTagMutabilityExclusionFilters: repo.exclusionFilters.map((filter) => ({ filterType: 'WILDCARD', filter })) } : {}),
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }
}
