import { describe, expect, it } from 'vitest';
import {
  CreateRepositoryCommand,
  ECRServiceException,
  ListImagesCommand,
  DescribeRepositoriesCommand,
  InvalidParameterException,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { useEmulator } from './harness.js';
import { rejection } from './sdk.js';

const h = useEmulator('repos', {
  accountId: '210987654321',
  region: 'eu-central-1',
  repositories: [{ name: 'preset/app', imageTagMutability: 'IMMUTABLE' }],
});


describe('repositories', () => {
  it('lists repositories given at start with their mutability, account and region', async () => {
    const { repositories } = await h.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['preset/app'] }));
    expect(repositories).toMatchObject([
      {
        repositoryName: 'preset/app',
        registryId: '210987654321',
        imageTagMutability: 'IMMUTABLE',
        repositoryArn: 'arn:aws:ecr:eu-central-1:210987654321:repository/preset/app',
        repositoryUri: '210987654321.dkr.ecr.eu-central-1.amazonaws.com/preset/app',
      },
    ]);
    expect(repositories?.[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('creates a repository with exclusion filters and describes them, refusing a filter type other than WILDCARD', async () => {
    const created = await h.client.send(new CreateRepositoryCommand({
      repositoryName: 'team/excl', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
    }));
    expect(created.repository).toMatchObject({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' });
    const { repositories } = await h.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/excl'] }));
    expect(repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
    });
    const bad = await rejection(h.client.send(new CreateRepositoryCommand({
      repositoryName: 'team/excl-bad', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX' as 'WILDCARD', filter: 'dev-*' }],
    })));
    expect(bad).toBeInstanceOf(InvalidParameterException);
  });

  it('creates a repository, MUTABLE unless asked otherwise, and refuses to create it twice', async () => {
    const created = await h.client.send(new CreateRepositoryCommand({ repositoryName: 'team/service' }));
    expect(created.repository).toMatchObject({ repositoryName: 'team/service', imageTagMutability: 'MUTABLE' });
    const again = await rejection(h.client.send(new CreateRepositoryCommand({ repositoryName: 'team/service' })));
    expect(again).toBeInstanceOf(RepositoryAlreadyExistsException);
    const immutable = await h.client.send(new CreateRepositoryCommand({ repositoryName: 'team/locked', imageTagMutability: 'IMMUTABLE' }));
    expect(immutable.repository?.imageTagMutability).toBe('IMMUTABLE');
  });

  it('refuses a repository name ECR does not allow with InvalidParameterException', async () => {
    for (const repositoryName of ['Upper', 'a', 'trailing-', 'double//slash']) {
      expect(await rejection(h.client.send(new CreateRepositoryCommand({ repositoryName })))).toBeInstanceOf(InvalidParameterException);
    }
  });

  it('answers RepositoryNotFoundException when describing a repository that does not exist', async () => {
    const err = await rejection(h.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['preset/app', 'absent'] })));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
    expect(err.message).toContain("'absent'");
  });

  it('answers an ECR call it does not emulate with UnknownOperationException', async () => {
    const err = await rejection(h.client.send(new ListImagesCommand({ repositoryName: 'preset/app' })));
    expect(err).toBeInstanceOf(ECRServiceException);
    expect(err.name).toBe('UnknownOperationException');
  });

  it('treats another registryId as a registry these credentials cannot reach', async () => {
    const err = await rejection(h.client.send(new DescribeRepositoriesCommand({ registryId: '999999999999', repositoryNames: ['preset/app'] })));
    expect(err).toBeInstanceOf(RepositoryNotFoundException);
  });
});
