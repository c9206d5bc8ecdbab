/**
 * Every archive under ../shared/images/{tool-made,real} is read by our reader and compared with
 * what skopeo 1.9 reports for the same archive: config digests, diff_ids, platforms and tags.
 * Tags are not reported by skopeo for archives (its RepoTags are registry tags), so they are read
 * from manifest.json / index.json with tar and JSON.parse. Where skopeo 1.9 cannot read an archive
 * (see tool-made/FIXTURES.md) the facts are read straight from the files instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/image/open.js';
import { manifestsOf } from '../../src/image/select.js';
import { platformString } from '../../src/image/descriptor.js';
import type { ImageSource, ManifestNode } from '../../src/image/types.js';
import {
  dockerArchiveView,
  forSkopeo,
  hasSkopeo,
  isLayoutDir,
  ociDirFacts,
  ociRefView,
  refNames,
  tarMember,
  tarMembers,
  type SeenManifest,
} from './reference-view.js';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/images');
/** skopeo 1.9 writes this layout but cannot read it back ("no descriptor found for reference"). */
const SKOPEO_CANNOT_READ = new Set(['oci-layout-docker-mediatypes']);

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (isLayoutDir(dir)) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tar(\.(gz|xz|bz2|zst))?$/.test(name) ? [path] : [];
  });
}

const all = [...sources(join(SHARED, 'tool-made')), ...sources(join(SHARED, 'real'))];
const skipReason = !existsSync(SHARED) ? `${SHARED} is absent` : !hasSkopeo ? 'skopeo is not installed' : '';
const scratch = mkdtempSync(join(tmpdir(), 'ecr-push-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const magic = (file: string): Buffer => (statSync(file).isFile() ? readFileSync(file).subarray(0, 6) : Buffer.alloc(0));
const isXz = (file: string): boolean => magic(file).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));

const seen = (m: ManifestNode): SeenManifest => ({
  config: m.config.digest,
  diffIds: m.diffIds,
  platform: m.platform ? platformString(m.platform) : '',
});

function ours(source: ImageSource): { tags: string[]; manifests: SeenManifest[] } {
  return { tags: source.images.flatMap((i) => i.tags), manifests: source.images.flatMap((i) => manifestsOf(i.root)).map(seen) };
}

/** Open like a user would; xz archives (which Node cannot read) through `xz -dc | ecr-push -`. */
async function openLikeAUser(path: string): Promise<ImageSource> {
  if (!isXz(path)) return openSource(path);
  await expect(openSource(path)).rejects.toThrow(/^[^\n]*xz-compressed[^\n]*xz -dc [^\n]*$/);
  const xz = spawn('xz', ['-dc', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  return openSource('-', { stdin: xz.stdout });
}

describe.skipIf(skipReason !== '')(`shared image archives read like skopeo reads them${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  // With the folder absent there are no cases; this keeps the skipped suite (and its reason) visible.
  const cases = all.length ? all.map((p) => [relative(SHARED, p), p]) : [['(no archives)', '']];
  it.each(cases)('%s: same configs, diff_ids, platforms and tags as skopeo', async (_name, path) => {
    const members = isLayoutDir(path) ? readdirSync(path) : tarMembers(path);
    if (!members.includes('manifest.json') && !members.includes('index.json')) {
      // Pre-1.10 docker save: only `repositories` and v1 directories. It must be refused clearly.
      await expect(openSource(path)).rejects.toThrow(/before Docker 1\.10/);
      return;
    }
    const source = await openLikeAUser(path);
    try {
      const mine = ours(source);
      if (members.includes('manifest.json')) {
        const theirs = dockerArchiveView(forSkopeo(path, scratch));
        if (!members.includes('index.json')) {
          // Legacy docker save: one image per manifest.json entry, in order.
          expect(mine.manifests).toEqual(theirs.manifests);
          expect(mine.tags).toEqual(theirs.tags);
        } else {
          // Docker 25+ / containerd: index.json may offer more platforms than manifest.json lists.
          expect(mine.manifests).toEqual(expect.arrayContaining(theirs.manifests));
          expect(mine.tags).toEqual(expect.arrayContaining(theirs.tags));
        }
        return;
      }
      const indexJson = isLayoutDir(path) ? readFileSync(join(path, 'index.json')) : tarMember(path, 'index.json');
      const names = [...new Set(refNames(indexJson).filter((n): n is string => n !== undefined))];
      expect(mine.tags).toEqual(expect.arrayContaining(names));
      for (const ref of names) {
        const image = source.images.find((i) => i.tags.includes(ref))!;
        const mineHere = manifestsOf(image.root).map(seen);
        if (SKOPEO_CANNOT_READ.has(basename(path))) {
          expect(mineHere).toEqual([ociDirFacts(path, ref)]);
          continue;
        }
        const theirs = ociRefView(isLayoutDir(path) ? 'oci' : 'oci-archive', path, ref);
        if (image.root.kind === 'index') {
          expect([...image.root.children.map((c) => c.descriptor.digest), ...image.root.absent.map((d) => d.digest)].sort()).toEqual([...theirs.children].sort());
          // skopeo selects children by platform only, so children without one (artifacts) and
          // attestations (`unknown/unknown`) are compared by digest above, not here.
          const selectable = image.root.children.filter((c) => c.kind === 'manifest' && c.descriptor.platform && c.descriptor.platform.os !== 'unknown');
          expect(selectable.flatMap(manifestsOf).map(seen)).toEqual(theirs.manifests);
        } else {
          expect(theirs.children).toEqual([]);
          expect(mineHere).toEqual(theirs.manifests);
        }
      }
    } finally {
      await source.close();
    }
  });
});
