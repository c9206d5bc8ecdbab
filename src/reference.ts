/**
 * Destination and image references: `repo`, `repo:tag`, `repo@sha256:…`, and the full
 * `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/repo[:tag|@digest]`, validated against
 * ECR's rules before anything talks to AWS.
 */
import { UsageError } from './errors.js';

export interface EcrReference {
  /** 12-digit account id, from the registry host. */
  registryId?: string;
  /** Region, from the registry host. */
  region?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** A region is one host label of the endpoint (`ecr.REGION.amazonaws.com`); AWS's are lower case. */
const REGION = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const REPOSITORY_RULE =
  'ECR repository names are 2-256 characters of lower-case letters, digits and . _ - separators, ' +
  'with / between path components (pattern (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)';
export const TAG_RULE =
  'tags are 1-128 characters of letters, digits, _ . and -, not starting with . or - ' +
  '(pattern [A-Za-z0-9_][A-Za-z0-9._-]{0,127})';

export const REGION_RULE = 'regions are lower-case letters, digits and single hyphens, such as eu-west-1';

/** Check a region named by `from` (`--region`, `AWS_REGION`, …); throws UsageError naming it. */
export function validateRegion(region: string, from: string): void {
  if (region === '') throw new UsageError(`${from} is empty: name an AWS region such as eu-west-1`);
  if (!REGION.test(region)) throw new UsageError(`${from} '${region}' is not an AWS region: ${REGION_RULE}`);
}

/** The account and region of an `ACCOUNT.dkr.ecr.REGION.amazonaws.com/…` reference, without validating the rest. */
export function registryHost(input: string): { registryId: string; region: string } | undefined {
  const rest = input.trim();
  const slash = rest.indexOf('/');
  const host = slash > 0 ? HOST.exec(rest.slice(0, slash)) : null;
  return host ? { registryId: host[1]!, region: host[2]! } : undefined;
}

/**
 * The registry to push to: `--registry-id` or the account in the destination host. Naming two
 * different accounts is a usage error rather than a silent choice.
 */
export function chooseRegistryId(input: string, registryId: string | undefined): string | undefined {
  const fromHost = registryHost(input)?.registryId;
  if (registryId !== undefined && fromHost !== undefined && registryId !== fromHost) {
    throw new UsageError(`--registry-id ${registryId} contradicts the account ${fromHost} in "${input}"`, {
      hint: 'drop --registry-id, or name the same account in both',
    });
  }
  return registryId ?? fromHost;
}

/** Parse and validate a destination; throws UsageError quoting ECR's rule. */
export function parseReference(input: string): EcrReference {
  const ref: EcrReference = { repository: '' };
  let rest = input.trim();
  const slash = rest.indexOf('/');
  const host = registryHost(rest);
  const withoutTag = rest.replace(/:[^:/]*$/, '');
  if (host) {
    ref.registryId = host.registryId;
    ref.region = host.region;
    rest = rest.slice(slash + 1);
  } else if (HOST.test(withoutTag)) {
    // A registry host alone is a valid repository name, but never the one meant.
    throw new UsageError(`"${input.trim()}" names a registry, not a repository`, {
      hint: `add the repository: ${withoutTag}/REPOSITORY[:TAG]`,
    });
  } else if (slash > 0 && rest.slice(0, slash).includes('.amazonaws.com')) {
    throw new UsageError(`"${rest.slice(0, slash)}" is not an ECR registry host`, {
      hint: 'the host must look like ACCOUNT.dkr.ecr.REGION.amazonaws.com',
    });
  }
  const at = rest.indexOf('@');
  if (at >= 0) {
    ref.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(ref.digest)) {
      throw new UsageError(`invalid digest "${ref.digest}" in "${input}": expected sha256: and 64 lower-case hex digits`);
    }
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    ref.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  ref.repository = rest;
  validateRepository(ref.repository, input);
  if (ref.tag !== undefined) validateTag(ref.tag);
  return ref;
}

export function validateRepository(name: string, input = name): void {
  if (name.length < 2 || name.length > 256 || !REPOSITORY.test(name)) {
    throw new UsageError(`invalid repository name "${name}" in "${input}": ${REPOSITORY_RULE}`);
  }
}

/** A tag or a sha256 digest naming an image in a repository (`--layers-from`). */
export function parseImageId(text: string, flag: string): { imageTag: string } | { imageDigest: string } {
  if (DIGEST.test(text)) return { imageDigest: text };
  if (TAG.test(text)) return { imageTag: text };
  throw new UsageError(`${flag} got "${text}": expected a tag of the destination repository or sha256: and 64 lower-case hex digits`);
}

export function validateTag(tag: string): void {
  if (!TAG.test(tag)) throw new UsageError(`invalid tag "${tag}": ${TAG_RULE}`);
}

/** The tag part of a source reference (`example.com/app:v1` → `v1`, `1.2.3` → `1.2.3`, `library/app` → none). */
export function tagOf(sourceRef: string): string | undefined {
  const [noDigest = '', digest] = sourceRef.split('@');
  const colon = noDigest.lastIndexOf(':');
  // A bare value (an OCI ref.name such as v1 or 1.2.3) is the tag; a name with a path has none,
  // and neither has a name pinned by digest (`app@sha256:…` names the repository app).
  if (colon < 0) return noDigest.includes('/') || noDigest === '' || digest !== undefined ? undefined : noDigest;
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : undefined;
}

export interface ChosenTags {
  tags: string[];
  /** Why the first tag was chosen, when the destination named none. */
  note?: string;
}

/**
 * The tags to put: the destination's tag, else the source's own tag when it has exactly one,
 * else `latest`; then the extra `-t` tags. A digest destination with no tag pushes untagged.
 */
export function chooseTags(ref: EcrReference, sourceTags: string[], extra: string[] = []): ChosenTags {
  for (const t of extra) validateTag(t);
  let first: string | undefined = ref.tag;
  let note: string | undefined;
  if (first === undefined && ref.digest === undefined) {
    const own = [...new Set(sourceTags.map(tagOf).filter((t): t is string => t !== undefined))];
    if (own.length === 1 && TAG.test(own[0] as string)) {
      first = own[0] as string;
      note = `no tag given: using the source's own tag "${first}"`;
    } else {
      first = 'latest';
      note = own.length === 0
        ? 'no tag given and the source names none: using "latest"'
        : own.length === 1
          ? `no tag given and the source's own tag "${own[0]}" is not a valid ECR tag: using "latest"`
          : `no tag given and the source has ${own.length} tags: using "latest"`;
    }
  }
  const tags = [...new Set([...(first === undefined ? [] : [first]), ...extra])];
  return note === undefined ? { tags } : { tags, note };
}

/**
 * A note when a destination without an ECR host starts with what looks like another registry's
 * host (`docker.io/library/app`, `public.ecr.aws/x/y`, `localhost/app`): ECR takes that as part of
 * the repository name, which is rarely what was meant, so the push says so.
 */
export function foreignHostNote(ref: EcrReference): string | undefined {
  if (ref.registryId !== undefined) return undefined; // the destination named an ECR host
  const first = ref.repository.split('/')[0] as string;
  if (!ref.repository.includes('/') || (!first.includes('.') && first !== 'localhost')) return undefined;
  return `"${first}" looks like another registry's host, but ECR takes it as part of the repository name: ` +
    `pushing to the ECR repository "${ref.repository}" (name the ECR host, ACCOUNT.dkr.ecr.REGION.amazonaws.com/${ref.repository}, to say this is meant)`;
}

/** `ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/REPO@DIGEST`, or `REPO@DIGEST` when the account or region is unknown. */
export function imageUri(registryId: string | undefined, region: string | undefined, repository: string, digest: string): string {
  if (!registryId || !region) return `${repository}@${digest}`;
  const suffix = region.startsWith('cn-') ? '.amazonaws.com.cn' : '.amazonaws.com';
  return `${registryId}.dkr.ecr.${region}${suffix}/${repository}@${digest}`;
}
