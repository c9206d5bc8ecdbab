/**
 * retag(): add tags to an image already in ECR. One BatchGetImage reads the manifest exactly as
 * stored and what each new tag names now; PutImage puts the same bytes and media type once per
 * new tag that does not name the image yet. A tag already on the image is "unchanged" (found by
 * that first call, or by PutImage). A tag that an immutable repository keeps on another image does not stop
 * the others: each is tried, then the conflicts fail the run (ImageTagAlreadyExistsException,
 * naming every such tag). Any other failure stops at once. Each tag put is a `manifest` event.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { UsageError } from './errors.js';
import type { EventSink, PushResult } from './events.js';
import type { RetagOptions } from './options.js';
import { chooseRegistryId, imageUri, parseReference, validateTag } from './reference.js';
import { classify, EcrServiceError } from './ecr/classify.js';
import { createEcrClient, resolvedRegion, type EcrSender } from './ecr/client.js';
import { byTag, getImages, IDS_PER_CALL, putUnderTags } from './ecr/images.js';
import type { Transport } from './ecr/transport.js';
import { validMaxAttempts, validRequestTimeout } from './plan/options.js';
import { sha256 } from './image/hashing.js';

/** `client`: used instead of a new SDK client and not destroyed at the end (tests bring a stub). */
export async function retag(opts: RetagOptions & { internals?: { client?: EcrSender } }): Promise<PushResult> {
  const onEvent: EventSink = opts.onEvent ?? (() => undefined);
  const ref = parseReference(opts.reference);
  if (ref.tag === undefined && ref.digest === undefined) {
    throw new UsageError(`"${opts.reference}" names no image: give repo:tag or repo@sha256:...`);
  }
  if (opts.tags.length === 0) throw new UsageError('give at least one new tag');
  opts.tags.forEach(validateTag);
  const tags = [...new Set(opts.tags)]; // a tag named twice is put once, as push does
  const maxAttempts = validMaxAttempts(opts.maxAttempts);
  const requestTimeout = validRequestTimeout(opts.requestTimeout);
  const registryId = chooseRegistryId(opts.reference, opts.registryId);
  let client: ECRClient | undefined;
  try {
    const sender = opts.internals?.client ?? (client = await createEcrClient({
      ...opts, ...(maxAttempts ? { maxAttempts } : {}), ...(requestTimeout ? { requestTimeout } : {}), ...(ref.region ? { hostRegion: ref.region } : {}), onEvent,
    }));
    const t: Transport = { client: sender, repositoryName: ref.repository, onEvent, ...(registryId ? { registryId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    const id = ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag as string };
    // The new tags are asked about in the same call, when they fit in it.
    const others = tags.filter((tag) => tag !== ref.tag).map((imageTag) => ({ imageTag }));
    const found = await getImages(t, others.length < IDS_PER_CALL ? [id, ...others] : [id]);
    const image = found.find((i) => (ref.digest ? i.digest === ref.digest : i.tag === ref.tag));
    if (!image) {
      throw new EcrServiceError('ImageNotFoundException', `${opts.reference} is not in repository ${ref.repository}`);
    }
    const bytes = Buffer.from(image.manifest, 'utf8');
    if (sha256(bytes) !== image.digest) {
      throw new EcrServiceError('ImageDigestDoesNotMatchException', `ECR returned a manifest that does not hash to ${image.digest}`);
    }
    const m = { bytes, digest: image.digest, mediaType: image.mediaType };
    let pushed = false;
    await putUnderTags(t, m, tags, (tag, { status }) => {
      pushed ||= status === 'pushed';
      onEvent({ type: 'manifest', digest: m.digest, mediaType: m.mediaType, ...(tag !== undefined ? { tag } : {}), status });
    }, byTag(found));
    const account = registryId ?? image.registryId;
    const region = client ? await resolvedRegion(client) : ref.region;
    return {
      status: pushed ? 'pushed' : 'unchanged',
      repository: ref.repository,
      ...(account ? { registryId: account } : {}),
      tags,
      digest: m.digest,
      mediaType: m.mediaType,
      imageUri: imageUri(account, region, ref.repository, m.digest),
      blobs: { total: 0, uploaded: 0, skipped: 0, bytesUploaded: 0 },
      manifests: [{ digest: m.digest, mediaType: m.mediaType }],
    };
  } catch (err) {
    throw classify(err, opts.signal);
  } finally {
    client?.destroy();
  }
}
