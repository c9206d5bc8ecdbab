/**
 * push(): source → plan → transport → result. Opens the source, plans what must go where, asks
 * ECR which blobs it has and what its tags name (when every tag already names this image, the
 * push ends there), uploads the rest with a worker pool, then puts the manifests, children
 * first. PutImage is never called after an abort or after any blob failed.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { UsageError } from './errors.js';
import type { EventSink, PushResult } from './events.js';
import { openSource } from './image/open.js';
import { selectImage } from './image/select.js';
import type { BlobStore } from './image/types.js';
import type { PushOptions } from './options.js';
import { chooseRegistryId, chooseTags, foreignHostNote, imageUri, parseImageId, parseReference } from './reference.js';
import type { BlobsInEcr } from './ecr/check.js';
import { classify } from './ecr/classify.js';
import { createEcrClient, resolvedRegion, type EcrSender } from './ecr/client.js';
import { firstRound } from './ecr/first-round.js';
import { putUnderTags, type StoredImage } from './ecr/images.js';
import { refuseHeldTags } from './ecr/repository.js';
import type { Transport } from './ecr/transport.js';
import { BodyBuffers } from './ecr/body-buffers.js';
import type { UploadSettings } from './ecr/upload.js';
import { alreadyInEcr, confirmedBy, consistentCache, expectedSent, knownBeforeSending } from './plan/blob-sends.js';
import { defaultCacheDir, openCompressionCache, type CompressionCache } from './plan/cache.js';
import { layerEncoderKey } from './plan/encoder.js';
import { validCompression, validConcurrency, validMaxAttempts, validPartSize, validRequestTimeout } from './plan/options.js';
import { makePlan, type PushPlan } from './plan/plan.js';
import { storedLayerGuess } from './plan/stored-layers.js';
import { mayRenderAs, renderManifests, type RenderedManifest, type SentBlob } from './plan/render.js';
import { aheadOfStored } from './push/ahead.js';
import { reportSkipped, sendAllBlobs, type Sending, type Tally } from './push/send-blobs.js';

/** Transport-level knobs that are not user options (tests shorten the backoff or bring a stub client). */
export interface PushInternals {
  upload?: Omit<UploadSettings, 'partSize'>;
  /** Used instead of a new SDK client (and not destroyed at the end). */
  client?: EcrSender;
}

/** How the manifests ended: put (or found unchanged) and what ECR said of them. */
interface Outcome {
  /** The manifests as ECR holds them, children first. */
  rendered: RenderedManifest[];
  pushed: boolean;
  /** The registry (account) ECR said holds the image. */
  registryId?: string;
}

/** The tags a manifest is put under: the root under each tag (or untagged), a child by digest alone. */
function tagsFor(m: RenderedManifest, tags: string[]): (string | undefined)[] {
  return m.isRoot && tags.length > 0 ? tags : [undefined];
}

function reportManifest(onEvent: EventSink, m: RenderedManifest, tag: string | undefined, status: 'pushed' | 'unchanged'): void {
  onEvent({ type: 'manifest', digest: m.digest, mediaType: m.mediaType, status, ...(tag !== undefined ? { tag } : {}) });
}

/** Where the manifests go: the tags, what the first round found each naming, and a digest the destination demands. */
interface Destination {
  tags: string[];
  named: ReadonlyMap<string, StoredImage> | undefined;
  digest: string | undefined;
}

/**
 * Put every manifest, children by digest first, then the root once per tag (or untagged). A tag
 * the first round found naming the root already is reported unchanged without a PutImage.
 */
async function putManifests(t: Transport, rendered: RenderedManifest[], to: Destination): Promise<{ pushed: boolean; registryId?: string }> {
  let pushed = false;
  let registryId: string | undefined;
  for (const m of rendered) {
    await putUnderTags(t, m, tagsFor(m, to.tags), (tag, { status, registryId: stored }) => {
      pushed ||= status === 'pushed';
      registryId ??= stored;
      reportManifest(t.onEvent, m, tag, status);
    }, to.named);
  }
  return registryId ? { pushed, registryId } : { pushed };
}

/**
 * When every tag already names the image and ECR has every blob, the push is done: each blob and
 * manifest is reported unchanged, with no further request. Undefined when the push must go on.
 */
function alreadyTagged(
  plan: PushPlan, { rendered, present, cache }: Basis, tags: string[], named: ReadonlyMap<string, StoredImage>, onEvent: EventSink, tally: Tally,
): Outcome | undefined {
  const digest = rootOf(rendered).digest;
  if (tags.length === 0 || !tags.every((tag) => named.get(tag)?.digest === digest)) return undefined;
  const there = plan.blobs.map((blob) => alreadyInEcr(blob, cache, present));
  if (there.some((b) => b === undefined)) return undefined;
  plan.blobs.forEach((blob, i) => reportSkipped(blob, there[i] as SentBlob, tally, onEvent));
  for (const m of rendered) for (const tag of tagsFor(m, tags)) reportManifest(onEvent, m, tag, 'unchanged');
  const registryId = named.get(tags[0] as string)?.registryId;
  return { rendered, pushed: false, ...(registryId ? { registryId } : {}) };
}

/** The manifests as they would be put, with the blobs ECR has and the cache they were worked out from. */
interface Basis {
  rendered: RenderedManifest[];
  present: BlobsInEcr;
  cache: CompressionCache;
}

/**
 * The push as it would be if the image the first tag names is this one (the compression cache
 * not knowing its gzip layers, on a fresh runner): the layers guessed from that image, the
 * manifests rendered from them, and those layers counted as in ECR, which accepted that manifest
 * only with every layer it names there. Undefined unless the render is exactly the manifest ECR
 * holds (alreadyTagged then asks the same of every other tag).
 */
function asStored(plan: PushPlan, tags: string[], named: ReadonlyMap<string, StoredImage>, present: BlobsInEcr, trusted: CompressionCache): Basis | undefined {
  const image = tags.length > 0 ? named.get(tags[0] as string) : undefined;
  if (!image) return undefined;
  const guess = storedLayerGuess(plan, image.manifest);
  if (!guess) return undefined;
  const cache: CompressionCache = { ...trusted, get: (digest) => trusted.get(digest) ?? guess.get(digest) };
  const known = knownBeforeSending(plan, cache);
  if (!known) return undefined;
  const rendered = renderManifests(plan, known);
  if (rootOf(rendered).digest !== image.digest) return undefined;
  const withLayers: BlobsInEcr = new Map(present);
  for (const layer of guess.values()) withLayers.set(layer.digest, layer.size);
  return { rendered, present: withLayers, cache };
}

function dryRunReport(plan: PushPlan, present: BlobsInEcr, cache: CompressionCache, onEvent: EventSink, tally: Tally): void {
  for (const blob of plan.blobs) {
    const there = alreadyInEcr(blob, cache, present);
    const known = expectedSent(blob, cache);
    if (there) {
      reportSkipped(blob, there, tally, onEvent);
    } else {
      tally.uploaded++;
      tally.bytesUploaded += known?.size ?? blob.source.size;
      const how = blob.encoding === 'gzip' ? ' (gzip-compressed on the way)' : '';
      onEvent({ type: 'info', message: `dry run: would upload ${blob.source.digest} (${blob.source.size} bytes)${how}` });
    }
  }
}

/** The image's root manifest (rendered children first, root last). */
function rootOf(rendered: RenderedManifest[]): RenderedManifest {
  return rendered[rendered.length - 1] as RenderedManifest;
}

/** The result's digest, media type and manifest list, from the manifests as ECR gets them. */
function manifestsOf(rendered: RenderedManifest[]): Pick<PushResult, 'digest' | 'mediaType' | 'manifests'> {
  const root = rootOf(rendered);
  return {
    digest: root.digest,
    mediaType: root.mediaType,
    manifests: rendered.map((m) => ({ digest: m.digest, mediaType: m.mediaType, ...(m.platform ? { platform: m.platform } : {}) })),
  };
}

/**
 * A dry run with layers to gzip that the compression cache does not know: the manifest digests
 * depend on the compressed bytes, so none is reported (the source's would be wrong).
 */
function digestUnknown(onEvent: EventSink): Pick<PushResult, 'manifests'> {
  onEvent({ type: 'info', message: 'dry run: the manifest digest is known only once the uncompressed layers are gzipped; a push reports it' });
  return { manifests: [] };
}

/** Refuse a `repo@sha256:` destination that does not name the image being pushed. */
function requireDigest(wanted: string | undefined, rendered: RenderedManifest[]): RenderedManifest {
  const root = rootOf(rendered);
  if (wanted && wanted !== root.digest) {
    throw new UsageError(`the destination names ${wanted}, but the image to push is ${root.digest}`);
  }
  return root;
}

/** Upload what ECR lacks, then put the manifests; the compression cache is saved whatever happens. */
async function sendAndPut(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache,
  to: Destination, how: Sending, tally: Tally,
): Promise<Outcome> {
  let sent: Map<string, SentBlob>;
  try {
    sent = await sendAllBlobs(t, plan, blobs, present, cache, how, tally);
  } finally {
    await cache.save();
  }
  const rendered = renderManifests(plan, sent);
  requireDigest(to.digest, rendered);
  return { rendered, ...await putManifests(t, rendered, to) };
}

export async function push(opts: PushOptions & { internals?: PushInternals }): Promise<PushResult> {
  const onEvent: EventSink = opts.onEvent ?? (() => undefined);
  const ref = parseReference(opts.destination);
  const workers = validConcurrency(opts.concurrency);
  const partSize = validPartSize(opts.partSize);
  const compression = validCompression(opts.compression);
  const maxAttempts = validMaxAttempts(opts.maxAttempts);
  const requestTimeout = validRequestTimeout(opts.requestTimeout);
  const registryId = chooseRegistryId(opts.destination, opts.registryId);
  let client: ECRClient | undefined;
  const source = await openSource(opts.source, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.stdin ? { stdin: opts.stdin } : {}) });
  try {
    const selected = await selectImage(source, { ...(opts.image ? { image: opts.image } : {}), ...(opts.platform ? { platform: opts.platform } : {}) });
    const { tags, note } = chooseTags(ref, selected.image.tags, opts.tags);
    for (const message of [foreignHostNote(ref), note]) {
      if (message !== undefined) onEvent({ type: 'info', message });
    }
    const plan = makePlan(selected.root, compression);
    // Every blob is where it should be and of its size, even those ECR turns out to have.
    for (const b of plan.blobs) source.blobs.check(b.source);
    onEvent({
      type: 'plan', repository: ref.repository, tags, blobs: plan.blobs.length, manifests: plan.manifests.length,
      totalBytes: plan.totalBytes, ...(registryId ? { registryId } : {}), ...(opts.dryRun ? { dryRun: true } : {}),
    });
    const opened = await openCompressionCache(opts.cacheDir ?? defaultCacheDir(), layerEncoderKey());
    const cache = consistentCache(opened, plan.blobs);
    const known = knownBeforeSending(plan, cache);
    if (known) requireDigest(ref.digest, renderManifests(plan, known));
    const sender = opts.internals?.client ?? (client = await createEcrClient({
      ...opts, ...(maxAttempts ? { maxAttempts } : {}), ...(requestTimeout ? { requestTimeout } : {}), ...(ref.region ? { hostRegion: ref.region } : {}), onEvent,
    }));
    const t: Transport = { client: sender, repositoryName: ref.repository, onEvent, ...(registryId ? { registryId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    const tally: Tally = { uploaded: 0, skipped: 0, bytesUploaded: 0 };
    const result = (status: PushResult['status']): PushResult => ({
      status, repository: ref.repository, tags, ...(registryId ? { registryId } : {}),
      blobs: { total: plan.blobs.length, ...tally }, manifests: [],
    });
    const { present, facts, named, layersFrom } = await firstRound(t, {
      digests: plan.blobs.map((b) => expectedSent(b, cache)?.digest).filter((d): d is string => d !== undefined),
      tags, layersFrom: (opts.layersFrom ?? []).map((id) => parseImageId(id, 'layersFrom')), dryRun: opts.dryRun === true,
      createRepository: opts.createRepository === true,
    });
    const trusted = confirmedBy(cache, present);
    const exact = knownBeforeSending(plan, trusted);
    const exactManifests = exact ? renderManifests(plan, exact) : undefined;
    const exactDigest = exactManifests && rootOf(exactManifests).digest;
    const basis = exactManifests ? { rendered: exactManifests, present, cache: trusted } : named && asStored(plan, tags, named, present, trusted);
    const done = basis && named ? alreadyTagged(plan, basis, tags, named, onEvent, tally) : undefined;
    if (done) requireDigest(ref.digest, done.rendered);
    // Tags an immutable repository keeps on another image are refused now, not after the uploads
    // (a dry run reports the same): by digest when it is known before sending, else by config.
    if (!done) await refuseHeldTags(t, facts, (image) => (exactDigest ? image.digest === exactDigest : mayRenderAs(plan.root, image.manifest)), tags, named);
    if (opts.dryRun) {
      dryRunReport(plan, present, trusted, onEvent, tally);
      return { ...result('dry-run'), ...(exactManifests ? manifestsOf(exactManifests) : digestUnknown(onEvent)) };
    }
    // A body buffer per worker and one more, so a part is read ahead while the others are in
    // flight: memory is bound by (workers + 1) × ~27 MiB however many blobs there are.
    const buffers = new BodyBuffers(workers + 1);
    const settings: UploadSettings = { ...opts.internals?.upload, ...(partSize ? { partSize } : {}), buffers };
    const ahead = done || exact ? undefined : await aheadOfStored(t, plan, source.blobs, trusted, opened, [...(named?.values() ?? []), ...layersFrom]);
    const { rendered, pushed, registryId: stored } = done
      ?? await sendAndPut(t, plan, source.blobs, present, trusted, { tags, named, digest: ref.digest }, { workers, settings, ...(ahead ? { ahead } : {}) }, tally);
    const root = rootOf(rendered);
    const region = client ? await resolvedRegion(client) : ref.region;
    const account = registryId ?? stored ?? facts?.registryId;
    return {
      ...result(pushed ? 'pushed' : 'unchanged'),
      ...(account ? { registryId: account } : {}),
      ...manifestsOf(rendered),
      imageUri: imageUri(account, region, ref.repository, root.digest),
    };
  } catch (err) {
    throw classify(err, opts.signal);
  } finally {
    client?.destroy();
    await source.close();
  }
}
