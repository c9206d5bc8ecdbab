/**
 * The notices file shipped beside the bundled CLI: every package whose code esbuild put into the
 * bundle, with its version and licence, and each distinct licence text once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

interface BundledPackage {
  name: string;
  version: string;
  license: string;
  text: string | undefined;
}

/** `node_modules/@scope/name/dist-es/x.js` → `node_modules/@scope/name` (the innermost package). */
function packageDir(input: string): string | undefined {
  return /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

function readPackage(root: string, dir: string): BundledPackage {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
  const file = readdirSync(join(root, dir)).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
  const text = file === undefined ? undefined : readFileSync(join(root, dir, file), 'utf8').trim();
  return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'unknown', text };
}

export function thirdPartyLicenses(metafile: Metafile, root: string): string {
  const dirs = new Set(Object.keys(metafile.inputs).map(packageDir).filter((d): d is string => d !== undefined));
  const packages = [...dirs].filter((d) => existsSync(join(root, d, 'package.json'))).map((d) => readPackage(root, d));
  packages.sort((a, b) => a.name.localeCompare(b.name));
  const byText = new Map<string, string[]>();
  for (const p of packages) {
    if (p.text === undefined) continue;
    byText.set(p.text, [...(byText.get(p.text) ?? []), p.name]);
  }
  const list = packages.map((p) => `- ${p.name} ${p.version} (${p.license}${p.text === undefined ? ', the package ships no licence file' : ''})`);
  const texts = [...byText].map(([text, names]) => `${'-'.repeat(72)}\n${names.join(', ')}:\n\n${text}`);
  return `The files in this directory bundle code from these packages:\n\n${list.join('\n')}\n\n${texts.join('\n\n')}\n`;
}
