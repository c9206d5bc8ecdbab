import { describe, expect, it } from 'vitest';
import { classify, EcrServiceError } from '../../src/ecr/classify.js';
import { CredentialsError, InputError, type InputProblem, InterruptedError, NetworkError, UsageError } from '../../src/errors.js';
import { describeFailure, failureText } from '../../src/report/failure.js';

describe('failure lines', () => {
  it('say what failed with the exception name, then the create command for a missing repository', () => {
    const err = new EcrServiceError('RepositoryNotFoundException', "The repository with name 'team/app' does not exist");
    const f = describeFailure(err, { repository: 'team/app' });
    expect(f.exitCode).toBe(10);
    expect(failureText(f, err, false)).toBe(
      "ecr-push: The repository with name 'team/app' does not exist (RepositoryNotFoundException)\n" +
        'hint: create it with `aws ecr create-repository --repository-name team/app`, or pass --create-repository\n',
    );
  });

  it('advise tags the repository does not hold for an immutable tag (the destination tag may be the held one) and the key policy for KMS errors', () => {
    expect(describeFailure(new EcrServiceError('ImageTagAlreadyExistsException', 'tag v1 exists')).hint).toMatch(/tags it does not hold yet/);
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

  it('end with the AWS exception name, never with ecr-push\'s own error names', () => {
    const lines = [new InputError('x.tar: truncated tar archive'), new UsageError('bad flag'), new InterruptedError('SIGINT'),
      new NetworkError('cannot reach ECR: ECONNREFUSED'), classify(new TypeError('boom'))].map((err) => failureText(describeFailure(err), err, false).split('\n')[0]);
    expect(lines).toEqual(['ecr-push: x.tar: truncated tar archive', 'ecr-push: bad flag', 'ecr-push: interrupted by SIGINT',
      'ecr-push: cannot reach ECR: ECONNREFUSED', 'ecr-push: boom']);
  });

  it('name an AWS exception once: from the cause of a credentials error, not again when the message has it', () => {
    const sdkError = (name: string): Error => Object.assign(new Error('The request signature we calculated does not match'), { name, $fault: 'client', $metadata: {} });
    const rejected = classify(sdkError('InvalidSignatureException'));
    expect(failureText(describeFailure(rejected), rejected, false).split('\n')[0]).toBe('ecr-push: AWS rejected the credentials (InvalidSignatureException)');
    const denied = classify(sdkError('AccessDeniedException'));
    expect(failureText(describeFailure(denied), denied, false).split('\n')[0]).toMatch(/^ecr-push: access denied: .* \(AccessDeniedException\)$/);
    expect(describeFailure(denied).name).toBe('CredentialsError');
  });

  it('name no exception for a network failure: the SDK\'s TimeoutError around a reset socket is not an AWS answer', () => {
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: { attempts: 2 } });
    const err = classify(timeout);
    const line = failureText(describeFailure(err), err, false).split('\n')[0];
    expect(line).toMatch(/^ecr-push: cannot reach ECR: /);
    expect(line).not.toMatch(/\(TimeoutError\)$/);
    expect(describeFailure(err).awsException).toBeUndefined();
  });

  it('give tag hints that name no push-only option', () => {
    const notFound = describeFailure(new EcrServiceError('RepositoryNotFoundException', 'no repo'), { repository: 'app', command: 'tag' });
    expect(notFound.exitCode).toBe(10);
    expect(notFound.hint).not.toMatch(/--create-repository/);
    expect(notFound.hint).toMatch(/already in ECR/);
    for (const name of ['ImageTagAlreadyExistsException', 'LimitExceededException', 'ServerException', 'UsageError']) {
      expect(describeFailure(new EcrServiceError(name, 'x'), { command: 'tag' }).hint).not.toMatch(/push under|-t NEW_TAG|--create-repository|--concurrency|blobs/);
    }
    expect(describeFailure(new InterruptedError('SIGINT'), { command: 'tag' }).hint).toMatch(/tags already put/);
    expect(describeFailure(new EcrServiceError('RepositoryNotFoundException', 'no repo'), { command: 'push' }).hint).toMatch(/--create-repository/);
  });

  it('give an input error a hint only where it helps: which image, a wrong path, damaged bytes', () => {
    const hint = (problem?: InputProblem, command: 'push' | 'inspect' = 'push'): string | undefined =>
      describeFailure(new InputError('x', problem === undefined ? {} : { problem }), { command }).hint;
    expect(hint('choice')).toMatch(/ecr-push inspect <source>/);
    expect(hint('choice', 'inspect')).toMatch(/without --image/);
    expect(hint('path')).toMatch(/check the path/);
    expect(hint('damaged')).toMatch(/damaged/);
    expect(hint('damaged', 'inspect')).toMatch(/damaged/);
    // The message says what to do, or there is nothing more to say.
    expect(hint()).toBeUndefined();
  });

  it('show a stack trace only when verbose', () => {
    const err = new UsageError('bad flag');
    const f = describeFailure(err);
    expect(failureText(f, err, false).split('\n')).toHaveLength(3);
    expect(failureText(f, err, true)).toMatch(/\n\s+at /);
  });
});
