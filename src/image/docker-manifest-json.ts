/** The `manifest.json` of `docker save` archives (every Docker version since 1.10, and containerd). */
import { InputError } from '../errors.js';
import { isObject } from './descriptor.js';
import { archivePath } from './tar-index.js';
import { readJson, type FileTree } from './tree.js';

export interface DockerSaveEntry {
  /** Archive path of the config file. */
  config: string;
  /** RepoTags; `null` in the file is read as none. */
  repoTags: string[];
  /** Archive paths of the layers, base layer first. */
  layers: string[];
  /** Docker 25+: media types of layers by digest. */
  layerSources: Record<string, unknown>;
}

function archiveFile(raw: unknown, where: string): string {
  const path = typeof raw === 'string' ? archivePath(raw) : undefined;
  if (!path) throw new InputError(`${where}: ${JSON.stringify(raw)} is not a path inside the archive`);
  return path;
}

export async function readManifestJson(tree: FileTree): Promise<DockerSaveEntry[]> {
  const json = await readJson(tree, 'manifest.json');
  if (!Array.isArray(json)) throw new InputError(`${tree.label}: manifest.json is not a JSON array`);
  return json.map((raw, i) => {
    const where = `${tree.label}: manifest.json[${i}]`;
    if (!isObject(raw)) throw new InputError(`${where} is not an object`);
    const tags = raw.RepoTags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new InputError(`${where}: RepoTags is not a list of names`);
    if (!Array.isArray(raw.Layers)) throw new InputError(`${where}: Layers is not a list`);
    return {
      config: archiveFile(raw.Config, `${where} Config`),
      repoTags: tags as string[],
      layers: raw.Layers.map((l, j) => archiveFile(l, `${where} Layers[${j}]`)),
      layerSources: isObject(raw.LayerSources) ? raw.LayerSources : {},
    };
  });
}
