/**
 * The benchmark's images, made once under .bench/images and reused while their recipe is
 * unchanged: the same layers as an OCI layout with gzip layers and as a docker-save archive with
 * raw (uncompressed) layers.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { gzipReader } from '../src/compress/gzip.js';
import { readerStream, streamReader } from '../test/helpers/readers.js';
import { generate, type DataKind } from './data.js';
import { writeHashed, type Written } from './files.js';

export interface ImageRecipe {
  name: string;
  kind: DataKind;
  layers: number;
  /** Data bytes per layer (the layer tar adds a header and padding). */
  layerBytes: number;
  /** Which forms to write (default both). */
  forms?: ('layout' | 'archive')[];
  /**
   * A rebuild of the image of this name: the same layers, all but the last, whose data is this
   * image's own (as when only a build's top layer changed).
   */
  rebuildOf?: string;
}

export interface BenchImage {
  recipe: ImageRecipe;
  /** OCI layout directory with gzip layers; skopeo reference `oci:<dir>:bench`. */
  layout: string;
  /** docker-save archive (legacy format) with raw layers; skopeo reference `docker-archive:<file>`. */
  archive: string;
  /** Every file a push of each form reads, for the sha256 floor. */
  layoutBlobs: string[];
}

const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  gzipLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

const hex = (digest: string): string => digest.slice('sha256:'.length);

/** tar-stream's pack is a streamx Readable: stream-compatible, though its types differ from Node's. */
const asReadable = (pack: tar.Pack): Readable => pack as unknown as Readable;

/** A layer tar holding one file of generated data. */
async function writeLayerTar(file: string, recipe: ImageRecipe, index: number): Promise<Written> {
  const pack = tar.pack();
  const done = writeHashed(asReadable(pack), file);
  const entry = pack.entry({ name: `data/${recipe.kind}-${index}.bin`, size: recipe.layerBytes, mtime: new Date(0), mode: 0o644, uid: 0, gid: 0 });
  const shared = recipe.rebuildOf !== undefined && index < recipe.layers - 1;
  await pipeline(Readable.from(generate(recipe.kind, recipe.layerBytes, `${shared ? recipe.rebuildOf : recipe.name}/${index}`)), entry);
  pack.finalize();
  return done;
}

function configOf(diffIds: string[]): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created_by: 'ecr-push bench' })),
  }));
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function writeBlob(blobs: string, bytes: Buffer): Promise<Written> {
  const digest = digestOf(bytes);
  await writeFile(join(blobs, hex(digest)), bytes);
  return { digest, size: bytes.length };
}

async function writeLayout(dir: string, rawLayers: string[], config: Buffer): Promise<string[]> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const layers: Written[] = [];
  for (const raw of rawLayers) {
    const pending = join(blobs, 'pending-layer');
    const gz = await writeHashed(readerStream(gzipReader(streamReader(createReadStream(raw)))), pending);
    await writeHashed(createReadStream(pending), join(blobs, hex(gz.digest)));
    await rm(pending);
    layers.push(gz);
  }
  const configBlob = await writeBlob(blobs, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, ...configBlob },
    layers: layers.map((l) => ({ mediaType: MEDIA.gzipLayer, ...l })),
  }));
  const manifestBlob = await writeBlob(blobs, manifest);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: MEDIA.manifest, ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
  }));
  return [...layers, configBlob, manifestBlob].map((b) => join(blobs, hex(b.digest)));
}

/** Legacy docker-save layout: `<id>/layer.tar`, `<config hex>.json`, `manifest.json`, `repositories`. */
async function writeArchive(file: string, rawLayers: string[], diffIds: string[], config: Buffer, name: string): Promise<void> {
  const pack = tar.pack();
  const done = writeHashed(asReadable(pack), file);
  const configName = `${hex(digestOf(config))}.json`;
  const layerPaths = diffIds.map((d) => `${hex(d)}/layer.tar`);
  for (const [i, raw] of rawLayers.entries()) {
    const { size } = await stat(raw);
    await pipeline(createReadStream(raw), pack.entry({ name: layerPaths[i]!, size, mtime: new Date(0) }));
  }
  pack.entry({ name: configName, mtime: new Date(0) }, config);
  pack.entry({ name: 'manifest.json', mtime: new Date(0) }, JSON.stringify([{ Config: configName, RepoTags: [`${name}:latest`], Layers: layerPaths }]));
  pack.finalize();
  await done;
}

/** Make (or reuse) the image for `recipe` under `root`. */
export async function ensureImage(root: string, recipe: ImageRecipe): Promise<BenchImage> {
  const dir = join(root, recipe.name);
  const stamp = join(dir, 'recipe.json');
  const wanted = JSON.stringify({ ...recipe, format: 2 });
  const image: BenchImage = { recipe, layout: join(dir, 'layout'), archive: join(dir, 'docker-save.tar'), layoutBlobs: [] };
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === wanted) {
    image.layoutBlobs = JSON.parse(await readFile(join(dir, 'layout-blobs.json'), 'utf8')) as string[];
    return image;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'raw'), { recursive: true });
  const rawLayers: string[] = [];
  const diffIds: string[] = [];
  for (let i = 0; i < recipe.layers; i++) {
    const raw = join(dir, 'raw', `layer-${i}.tar`);
    diffIds.push((await writeLayerTar(raw, recipe, i)).digest);
    rawLayers.push(raw);
  }
  const config = configOf(diffIds);
  const forms = recipe.forms ?? ['layout', 'archive'];
  if (forms.includes('layout')) image.layoutBlobs = await writeLayout(image.layout, rawLayers, config);
  if (forms.includes('archive')) await writeArchive(image.archive, rawLayers, diffIds, config, recipe.name);
  await rm(join(dir, 'raw'), { recursive: true });
  await writeFile(join(dir, 'layout-blobs.json'), JSON.stringify(image.layoutBlobs));
  await writeFile(stamp, wanted);
  return image;
}
