/**
 * push(): source → plan → transport → result. Opens the source, plans what must go where, asks
 * ECR which blobs it has and what its tags name (when every tag already names this image, the
 * push ends there), uploads the rest with a worker pool, then puts the manifests, children
 * first. PutImage is never called after an abort or after any blob failed.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { InputError, UsageError } from './errors.js';
import type { EventSink, PushResult } from './events.js';
import { openSource } from './image/open.js';
import { selectImage } from './image/select.js';
import { readToEnd, type ByteReader } from './image/byte-reader.js';
import type { BlobStore } from './image/types.js';
import type { PushOptions } from './options.js';
import { chooseRegistryId, chooseTags, foreignHostNote, imageUri, parseReference } from './reference.js';
import { checkBlobs, type BlobsInEcr } from './ecr/check.js';
import { classify } from './ecr/classify.js';
import { createEcrClient, resolvedRegion, type EcrSender } from './ecr/client.js';
import { readStoredBlob } from './ecr/download.js';
import { firstRound } from './ecr/first-round.js';
import { putUnderTags, type StoredImage } from './ecr/images.js';
import { refuseHeldTags } from './ecr/repository.js';
import type { Transport } from './ecr/transport.js';
import { BodyBuffers } from './ecr/body-buffers.js';
import { uploadBlob, type UploadSettings } from './ecr/upload.js';
import { alreadyInEcr, cacheWithout, confirmedBy, consistentCache, disprovedHits, expectedSent, sentAs, skippedOnCache } from './plan/blob-sends.js';
import { defaultCacheDir, openCompressionCache, type CompressedRef, type CompressionCache } from './plan/cache.js';
import { compressAhead, worthCompressingAhead } from './plan/compress-ahead.js';
import { layerEncoder, layerEncoderKey } from './plan/encoder.js';
import { validCompression, validConcurrency, validMaxAttempts, validPartSize } from './plan/options.js';
import { makePlan, type PlannedBlob, type PushPlan } from './plan/plan.js';
import { runPool } from './plan/pool.js';
import { storedLayerGuess, storedLayersByDiffId, storedManifest } from './plan/stored-layers.js';
import { mayRenderAs, renderManifests, type RenderedManifest, type SentBlob } from './plan/render.js';

/** Transport-level knobs that are not user options (tests shorten the backoff or bring a stub client). */
export interface PushInternals {
  upload?: Omit<UploadSettings, 'partSize'>;
  /** Used instead of a new SDK client (and not destroyed at the end). */
  client?: EcrSender;
}

interface Tally {
  uploaded: number;
  skipped: number;
  bytesUploaded: number;
}

/** How the manifests ended: put (or found unchanged) and what ECR said of them. */
interface Outcome {
  /** The manifests as ECR holds them, children first. */
  rendered: RenderedManifest[];
  pushed: boolean;
  /** The registry (account) ECR said holds the image. */
  registryId?: string;
}

/**
 * The bytes to send for a blob: as the source stores them (checked by ECR at completion, see
 * upload.ts), or gzip-encoded from the source read and verified on the way.
 */
function openForSend(blobs: BlobStore, blob: PlannedBlob): ByteReader {
  if (blob.encoding === 'copy') return blobs.reader(blob.source, { verify: false });
  return layerEncoder(blobs.reader(blob.source));
}

/** An event's `sentAs`: the digest ECR holds the blob under, when it is not the source's. */
function sentAsField(blob: PlannedBlob, digest: string): { sentAs?: string } {
  return digest !== blob.source.digest ? { sentAs: digest } : {};
}

/** A blob ECR already has: counted and reported as skipped. */
function reportSkipped(blob: PlannedBlob, there: SentBlob, tally: Tally, onEvent: EventSink): void {
  tally.skipped++;
  onEvent({ type: 'blob-skipped', digest: blob.source.digest, size: there.size, ...sentAsField(blob, there.digest) });
}

/** Upload (or skip) every blob; returns what each became in ECR, keyed by source digest. */
async function sendBlobs(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache,
  workers: number, settings: UploadSettings, tally: Tally,
): Promise<Map<string, SentBlob>> {
  const sent = new Map<string, SentBlob>();
  await runPool(plan.blobs, workers, t.signal, async (blob, signal) => {
    const there = alreadyInEcr(blob, cache, present);
    if (there) {
      sent.set(blob.source.digest, there);
      reportSkipped(blob, there, tally, t.onEvent);
      return;
    }
    const known = expectedSent(blob, cache);
    if (blob.source.size === 0) {
      throw new InputError(`blob ${blob.source.digest} is empty (zero bytes) and the repository does not have it; ECR cannot store an empty blob`);
    }
    t.onEvent({ type: 'blob-start', digest: blob.source.digest, ...(known ? { size: known.size } : {}) });
    const up = await uploadBlob({ ...t, signal }, {
      label: blob.source.digest,
      ...(blob.encoding === 'copy' ? { digest: blob.source.digest, checkSource: () => readToEnd(blobs.reader(blob.source)) } : {}),
      open: () => openForSend(blobs, blob),
    }, settings);
    if (blob.encoding === 'gzip') cache.set(blob.source.digest, { digest: up.digest, size: up.size });
    sent.set(blob.source.digest, sentAs(blob, up.digest, up.size));
    if (up.alreadyExisted) tally.skipped++;
    else {
      tally.uploaded++;
      tally.bytesUploaded += up.size;
    }
    t.onEvent({ type: 'blob-done', digest: blob.source.digest, size: up.size, alreadyExisted: up.alreadyExisted, ...sentAsField(blob, up.digest) });
  });
  return sent;
}

/**
 * sendBlobs, then the layers it skipped on a cache entry that the push itself disproved (their
 * digest turned out to be another layer's): those are compressed and sent after all.
 */
async function sendAllBlobs(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache,
  workers: number, settings: UploadSettings, tally: Tally,
): Promise<Map<string, SentBlob>> {
  const onCacheWord = skippedOnCache(plan.blobs, cache, present);
  const sent = await sendBlobs(t, plan, blobs, present, cache, workers, settings, tally);
  const disproved = disprovedHits(plan.blobs, sent, onCacheWord);
  if (disproved.size === 0) return sent;
  t.onEvent({ type: 'info', message: `the compression cache was wrong about ${disproved.size} layer(s); compressing them after all` });
  tally.skipped -= disproved.size;
  const again = { ...plan, blobs: plan.blobs.filter((b) => disproved.has(b.source.digest)) };
  for (const [digest, blob] of await sendBlobs(t, again, blobs, new Map(), cacheWithout(cache, disproved), workers, settings, tally)) {
    sent.set(digest, blob);
  }
  return sent;
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

/** What each blob will be in ECR, when all of that is known before sending (no cache miss). */
function knownBeforeSending(plan: PushPlan, cache: CompressionCache): Map<string, SentBlob> | undefined {
  const known = new Map<string, SentBlob>();
  for (const b of plan.blobs) {
    const sent = expectedSent(b, cache);
    if (!sent) return undefined;
    known.set(b.source.digest, sent);
  }
  return known;
}

/** The most bytes an image config read back from ECR may have. */
const STORED_CONFIG_LIMIT = 8 * 1024 * 1024;
/** The most images under the tags whose configs are read back. */
const STORED_IMAGES_READ = 4;

/** Uncompressed digest → stored layer, for the layers of the images the tags name (their configs read back). */
async function storedContent(t: Transport, named: ReadonlyMap<string, StoredImage>): Promise<Map<string, CompressedRef>> {
  const stored = new Map<string, CompressedRef>();
  const images = [...new Map([...named.values()].map((image) => [image.digest, image])).values()];
  for (const image of images.slice(0, STORED_IMAGES_READ)) {
    const config = storedManifest(image.manifest)?.config;
    const bytes = config === undefined ? undefined : await readStoredBlob(t, config, STORED_CONFIG_LIMIT);
    if (!bytes) continue;
    for (const [diffId, layer] of storedLayersByDiffId(image.manifest, bytes)) if (!stored.has(diffId)) stored.set(diffId, layer);
  }
  return stored;
}

/**
 * Compressing ahead (plan/compress-ahead.ts), when gzip layers are unknown to the cache and the
 * tags name images: those layers whose content such an image has are compressed before anything
 * is sent, their digests recorded in `cache` and asked of ECR. Returns the blobs ECR has, of the
 * first round and of this one; undefined when nothing was compressed. `cache` is the compression
 * cache itself, not a view of it made before these entries were.
 */
async function compressAheadOfStored(
  t: Transport, plan: PushPlan, blobs: BlobStore, known: { present: BlobsInEcr; trusted: CompressionCache; cache: CompressionCache },
  named: ReadonlyMap<string, StoredImage> | undefined, workers: number,
): Promise<BlobsInEcr | undefined> {
  const { present, trusted, cache } = known;
  if (!named || named.size === 0 || knownBeforeSending(plan, trusted)) return undefined;
  const stored = await storedContent(t, named);
  const layers = worthCompressingAhead(plan, trusted, stored);
  if (layers.length === 0) return undefined;
  t.onEvent({ type: 'info', message: `compressing ${layers.length} layer(s) first, to see whether ECR has them: the image under the tag has layers of the same content` });
  const compressed = await compressAhead(layers, stored, (blob) => openForSend(blobs, blob), cache, workers, t.signal);
  const digests = layers.flatMap((b) => cache.get(b.source.digest)?.digest ?? []);
  const more = await checkBlobs(t, digests);
  t.onEvent({ type: 'info', message: `${more.size} of the ${compressed} layer(s) compressed first are in the repository already, and are not uploaded` });
  return new Map([...present, ...more]);
}

/** Upload what ECR lacks, then put the manifests; the compression cache is saved whatever happens. */
async function sendAndPut(
  t: Transport, plan: PushPlan, blobs: BlobStore, present: BlobsInEcr, cache: CompressionCache,
  to: Destination, workers: number, settings: UploadSettings, tally: Tally,
): Promise<Outcome> {
  let sent: Map<string, SentBlob>;
  try {
    sent = await sendAllBlobs(t, plan, blobs, present, cache, workers, settings, tally);
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
      ...opts, ...(maxAttempts ? { maxAttempts } : {}), ...(ref.region ? { hostRegion: ref.region } : {}), onEvent,
    }));
    const t: Transport = { client: sender, repositoryName: ref.repository, onEvent, ...(registryId ? { registryId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    const tally: Tally = { uploaded: 0, skipped: 0, bytesUploaded: 0 };
    const result = (status: PushResult['status']): PushResult => ({
      status, repository: ref.repository, tags, ...(registryId ? { registryId } : {}),
      blobs: { total: plan.blobs.length, ...tally }, manifests: [],
    });
    const { present, facts, named } = await firstRound(t, {
      digests: plan.blobs.map((b) => expectedSent(b, cache)?.digest).filter((d): d is string => d !== undefined),
      tags, dryRun: opts.dryRun === true, createRepository: opts.createRepository === true,
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
    const ahead = done ? undefined : await compressAheadOfStored(t, plan, source.blobs, { present, trusted, cache: opened }, named, workers);
    const sending = ahead ? { present: ahead, cache: confirmedBy(consistentCache(opened, plan.blobs), ahead) } : { present, cache: trusted };
    const knownNow = ahead && knownBeforeSending(plan, sending.cache);
    if (knownNow) requireDigest(ref.digest, renderManifests(plan, knownNow));
    // A body buffer per worker and one more, so a part is read ahead while the others are in
    // flight: memory is bound by (workers + 1) × ~27 MiB however many blobs there are.
    const buffers = new BodyBuffers(workers + 1);
    const settings: UploadSettings = { ...opts.internals?.upload, ...(partSize ? { partSize } : {}), buffers };
    const { rendered, pushed, registryId: stored } = done
      ?? await sendAndPut(t, plan, source.blobs, sending.present, sending.cache, { tags, named, digest: ref.digest }, workers, settings, tally);
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
