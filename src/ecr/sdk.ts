/**
 * The AWS SDK classes ecr-push uses, imported by name. Everything in src/ecr loads them with
 * `await import('./sdk.js')`, only once a command talks to ECR. Importing the package itself
 * dynamically would keep all of its commands and their schemas in the bundle and in every push's
 * start-up; named imports here let the bundler drop the ones ecr-push never sends.
 */
export {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetDownloadUrlForLayerCommand,
  ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
export { fromNodeProviderChain } from '@aws-sdk/credential-providers';
