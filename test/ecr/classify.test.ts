import { describe, expect, it } from 'vitest';
import { ECRServiceException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { classify } from '../../src/ecr/classify.js';
import { exitCodeForName, InputError, InterruptedError } from '../../src/errors.js';

function sdkError(name: string, status = 400): Error {
  return new ECRServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: `${name} happened` });
}

function codeOf(err: unknown, signal?: AbortSignal): number {
  return exitCodeForName(classify(err, signal).name);
}

describe('classifying failures into exit codes', () => {
  it('keeps an ECR exception name so it gets its own exit code', () => {
    const err = new RepositoryNotFoundException({ $metadata: {}, message: 'no repo' });
    expect(classify(err)).toMatchObject({ name: 'RepositoryNotFoundException', message: 'no repo' });
    expect(codeOf(err)).toBe(10);
  });

  it('treats AccessDeniedException as exit 4 whose hint is about permissions, not about finding credentials', () => {
    const out = classify(sdkError('AccessDeniedException'));
    expect(out.name).toBe('CredentialsError');
    expect(exitCodeForName(out.name)).toBe(4);
    expect(out.hint).toMatch(/credentials were accepted.*IAM permissions/);
    expect(out.hint).not.toMatch(/credential chain/);
  });

  it.each([
    'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException',
  ])('treats %s as a credentials problem (exit 4) whose hint is about the credentials found, not where the chain looked', (name) => {
    const out = classify(sdkError(name));
    expect(out.name).toBe('CredentialsError');
    expect(exitCodeForName(out.name)).toBe(4);
    expect(out.hint).toMatch(/credentials were found, but AWS refused them.*expired.*get-caller-identity/s);
    expect(out.hint).not.toMatch(/credential chain/);
  });

  it('treats "no credentials in any provider" as a credentials problem, with a hint naming where the chain looked', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(codeOf(err)).toBe(4);
    expect(classify(err).hint).toMatch(/AWS_ACCESS_KEY_ID.*~\/\.aws\/credentials.*SSO.*web identity.*instance metadata/s);
  });

  it('names --request-timeout when a request went quiet (exit 5), in seconds', () => {
    const err = Object.assign(new Error('@smithy/node-http-handler - the request socket timed out after 2000 ms of inactivity (configured by client requestHandler).'), { name: 'TimeoutError' });
    const out = classify(err);
    expect(exitCodeForName(out.name)).toBe(5);
    expect(out.message).toBe('ECR sent nothing for 2 s (--request-timeout)');
    expect(out.hint).toMatch(/raise --request-timeout/);
  });

  it('never repeats the text of a signature error, which may echo signed material', () => {
    const err = sdkError('InvalidSignatureException');
    err.message = 'Signature expected: abc123secret';
    expect(classify(err).message).not.toContain('abc123secret');
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'CERT_HAS_EXPIRED'])('treats %s as a network failure (exit 5)', (code) => {
    const err = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
    expect(codeOf(err)).toBe(5);
  });

  it('finds a network failure wrapped in a cause', () => {
    const err = new Error('request failed', { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    expect(codeOf(err)).toBe(5);
  });

  it('reports an SDK timeout as a network failure', () => {
    expect(codeOf(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(5);
  });

  it('reports an abort after SIGTERM as terminated (143), whatever the SDK threw', () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGTERM'));
    expect(codeOf(Object.assign(new Error('aborted'), { name: 'AbortError' }), controller.signal)).toBe(143);
  });

  it('reports an abort after SIGINT as interrupted (130)', () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGINT'));
    expect(codeOf(sdkError('ServerException', 500), controller.signal)).toBe(130);
  });

  it('turns a missing region into a usage error telling how to set one', () => {
    const out = classify(new Error('Region is missing'));
    expect(out.name).toBe('UsageError');
    expect(out.hint).toMatch(/--region/);
  });

  it('passes our own errors through unchanged', () => {
    const err = new InputError('bad tar');
    expect(classify(err)).toBe(err);
  });

  it('gives an unknown ECR exception the generic ECR exit code 25', () => {
    expect(codeOf(sdkError('SomethingNewException'))).toBe(25);
  });

  it('reports a plain programming error as internal (exit 1)', () => {
    expect(codeOf(new TypeError('x is undefined'))).toBe(1);
  });
});
