import { describe, expect, it } from 'vitest';
import { chooseRegistryId, chooseTags, foreignHostNote, parseReference, registryHost, tagOf, validateRegion } from '../src/reference.js';

describe('destination parsing', () => {
  it.each([
    ['app', { repository: 'app' }],
    ['team/app:v1.2', { repository: 'team/app', tag: 'v1.2' }],
    [`app@sha256:${'a'.repeat(64)}`, { repository: 'app', digest: `sha256:${'a'.repeat(64)}` }],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:latest',
      { registryId: '123456789012', region: 'eu-west-1', repository: 'team/app', tag: 'latest' }],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app',
      { registryId: '123456789012', region: 'us-gov-west-1', repository: 'app' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b/c:t_1',
      { registryId: '123456789012', region: 'cn-north-1', repository: 'a/b/c', tag: 't_1' }],
  ])('reads %s into registry, region, repository, tag and digest', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['App', 'repository name'],
    ['a', 'repository name'],
    ['app:-bad', 'invalid tag'],
    ['app:' + 'x'.repeat(129), 'invalid tag'],
    ['app@sha256:1234', 'invalid digest'],
    ['team//app', 'repository name'],
    ['foo.dkr.ecr.us-east-1.amazonaws.com/app', 'not an ECR registry host'],
  ])('refuses %s with a usage error that names the rule', (input, words) => {
    expect(() => parseReference(input)).toThrowError(expect.objectContaining({ name: 'UsageError', message: expect.stringContaining(words) }));
  });

  it.each(['123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com:v1'])(
    'refuses the registry host alone (%s), a valid repository name that is never the one meant',
    (destination) => {
      expect(() => parseReference(destination)).toThrowError(expect.objectContaining({
        name: 'UsageError', message: `"${destination}" names a registry, not a repository`,
        hint: 'add the repository: 123456789012.dkr.ecr.us-east-1.amazonaws.com/REPOSITORY[:TAG]',
      }));
    },
  );

  it('quotes the ECR repository pattern when a name is invalid', () => {
    expect(() => parseReference('Team/App')).toThrow(/\[a-z0-9\]\+\(\?:\[\._-\]\[a-z0-9\]\+\)\*/);
  });
});

describe('choosing tags', () => {
  it('takes the tag of a source reference, not the registry port', () => {
    expect(tagOf('example.com/fixtures/multilayer:v1')).toBe('v1');
    expect(tagOf('localhost:5000/app')).toBeUndefined();
    expect(tagOf('v1')).toBe('v1');
    // An OCI ref.name is usually the bare tag, dots included.
    expect(tagOf('1.2.3')).toBe('1.2.3');
    expect(tagOf('docker.io/library/busybox')).toBeUndefined();
  });

  it('finds no tag in a name pinned by digest, so its repository name is never put as a tag', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    expect(tagOf(`app@${digest}`)).toBeUndefined();
    expect(tagOf(`example.com/app:v9@${digest}`)).toBe('v9');
    expect(chooseTags(parseReference('dest'), [`app@${digest}`])).toMatchObject({ tags: ['latest'], note: expect.stringMatching(/names none/) });
  });

  it('says why a single source tag ECR would refuse is not used', () => {
    expect(chooseTags(parseReference('app'), ['has space'])).toEqual({
      tags: ['latest'], note: 'no tag given and the source\'s own tag "has space" is not a valid ECR tag: using "latest"',
    });
  });

  it("uses the source's only tag when the destination has none, and says so", () => {
    const chosen = chooseTags(parseReference('app'), ['example.com/fixtures/multilayer:v1']);
    expect(chosen.tags).toEqual(['v1']);
    expect(chosen.note).toMatch(/source's own tag "v1"/);
  });

  it('counts names that differ only before the tag as one tag of the source', () => {
    expect(chooseTags(parseReference('app'), ['a:v1', 'example.com/b:v1'])).toMatchObject({ tags: ['v1'] });
  });

  it('falls back to latest when the source has several tags or none, and says so', () => {
    expect(chooseTags(parseReference('app'), ['a:1', 'a:2'])).toMatchObject({ tags: ['latest'], note: expect.stringMatching(/2 tags/) });
    expect(chooseTags(parseReference('app'), [])).toMatchObject({ tags: ['latest'], note: expect.stringMatching(/latest/) });
  });

  it('puts the destination tag first, then the -t tags, each once', () => {
    expect(chooseTags(parseReference('app:v2'), ['x:v1'], ['extra', 'v2'])).toEqual({ tags: ['v2', 'extra'] });
  });

  it('pushes a digest destination without a tag', () => {
    expect(chooseTags(parseReference(`app@sha256:${'b'.repeat(64)}`), ['x:v1'])).toEqual({ tags: [] });
  });

  it('refuses an invalid -t tag', () => {
    expect(() => chooseTags(parseReference('app'), [], ['.nope'])).toThrow(/invalid tag/);
  });
});

describe('regions', () => {
  it.each(['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'fips-us-east-1', 'local'])('accepts %s', (region) => {
    expect(() => validateRegion(region, '--region')).not.toThrow();
  });

  it.each(['not_a_region', 'us east 1', 'US-EAST-1', '-us-east-1', 'us-east-1-', 'us--east-1', 'x'.repeat(64)])(
    'refuses %j with a usage error naming where the region came from',
    (region) => {
      expect(() => validateRegion(region, 'AWS_REGION')).toThrowError(expect.objectContaining({
        name: 'UsageError', message: `AWS_REGION '${region}' is not an AWS region: regions are lower-case letters, digits and single hyphens, such as eu-west-1`,
      }));
    },
  );

  it('refuses an empty region instead of falling back to another source', () => {
    expect(() => validateRegion('', '--region')).toThrowError(expect.objectContaining({ name: 'UsageError', message: '--region is empty: name an AWS region such as eu-west-1' }));
  });
});

describe('the registry account', () => {
  const host = '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1';

  it('reads account and region from the host alone, whatever follows it', () => {
    expect(registryHost(host)).toEqual({ registryId: '111122223333', region: 'us-east-1' });
    expect(registryHost('app:v1')).toBeUndefined();
  });

  it('takes --registry-id or the host\'s account, and accepts both when they agree', () => {
    expect(chooseRegistryId(host, undefined)).toBe('111122223333');
    expect(chooseRegistryId('app:v1', '999999999999')).toBe('999999999999');
    expect(chooseRegistryId(host, '111122223333')).toBe('111122223333');
    expect(chooseRegistryId('app:v1', undefined)).toBeUndefined();
  });

  it('refuses a --registry-id that contradicts the account in the host', () => {
    expect(() => chooseRegistryId(host, '999999999999')).toThrowError(expect.objectContaining({
      name: 'UsageError', message: `--registry-id 999999999999 contradicts the account 111122223333 in "${host}"`,
    }));
  });
});

describe('a destination that starts like another registry', () => {
  const noteFor = (destination: string): string | undefined => foreignHostNote(parseReference(destination));

  it('says that docker.io/…, public.ecr.aws/… and localhost/… become part of an ECR repository name', () => {
    expect(noteFor('docker.io/library/app:v1')).toMatch(/^"docker\.io" looks like another registry's host.*"docker\.io\/library\/app"/);
    expect(noteFor('public.ecr.aws/team/app')).toMatch(/^"public\.ecr\.aws" looks like/);
    expect(noteFor('localhost/app')).toMatch(/^"localhost" looks like/);
  });

  it('stays quiet for plain names, dotted names without a slash, and names under an ECR host', () => {
    expect(noteFor('team/app:v1')).toBeUndefined();
    expect(noteFor('my.app:v1')).toBeUndefined();
    expect(noteFor('123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker.io/library/app:v1')).toBeUndefined();
  });
});
