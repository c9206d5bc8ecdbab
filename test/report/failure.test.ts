import { describe, expect, it } from 'vitest';
import { classify, EcrServiceError } from '../../src/ecr/classify.js';
import { CredentialsError, InterruptedError, UsageError } from '../../src/errors.js';
import { describeFailure, failureText } from '../../src/report/failure.js';

describe('failure lines', () => {
  it('say what failed with the exception name, then the create command for a missing repository', () => {
    const err = new EcrServiceError('RepositoryNotFoundException', "The repository with name 'team/app' does not exist");
    const f = describeFailure(err, 'team/app');
    expect(f.exitCode).toBe(10);
    expect(failureText(f, err, false)).toBe(
      "ecr-push: The repository with name 'team/app' does not exist (RepositoryNotFoundException)\n" +
        'hint: create it with `aws ecr create-repository --repository-name team/app`, or pass --create-repository\n',
    );
  });

  it('advise a new tag for an immutable tag and the key policy for KMS errors', () => {
    expect(describeFailure(new EcrServiceError('ImageTagAlreadyExistsException', 'tag v1 exists')).hint).toMatch(/new tag/);
    expect(describeFailure(new EcrServiceError('KmsException', 'denied')).hint).toMatch(/key policy/);
  });

  it('prefer the hint the error carries (credentials: where the chain looked) over the table', () => {
    const f = describeFailure(new CredentialsError('no usable AWS credentials found', { hint: 'looked in env and ~/.aws' }));
    expect(f).toMatchObject({ exitCode: 4, hint: 'looked in env and ~/.aws' });
  });

  it('map an unlisted ECR exception to 25 and interruptions to 130 and 143', () => {
    expect(describeFailure(new EcrServiceError('ThrottlingException', 'slow down')).exitCode).toBe(25);
    expect(describeFailure(new InterruptedError('SIGINT')).exitCode).toBe(130);
    expect(describeFailure(new InterruptedError('SIGTERM')).exitCode).toBe(143);
  });

  it('report a thrown programming error as a bug: exit 1 with a hint to report it', () => {
    const f = describeFailure(classify(new TypeError("Cannot read properties of undefined (reading 'uploadId')")));
    expect(f).toMatchObject({ name: 'InternalError', exitCode: 1 });
    expect(f.hint).toMatch(/bug.*-v/);
  });

  it('show a stack trace only when verbose', () => {
    const err = new UsageError('bad flag');
    const f = describeFailure(err);
    expect(failureText(f, err, false).split('\n')).toHaveLength(3);
    expect(failureText(f, err, true)).toMatch(/\n\s+at /);
  });
});
