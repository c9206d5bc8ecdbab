/** Where tests find the project, its fixtures and the shared reference images. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A path under the project's fixtures/ directory. */
export function fixture(...parts: string[]): string {
  return join(REPO_ROOT, 'fixtures', ...parts);
}

/** `../shared/images` beside the repository, or undefined when it is absent (tests skip then). */
export function sharedImages(): string | undefined {
  const dir = resolve(REPO_ROOT, '..', 'shared', 'images');
  return existsSync(dir) ? dir : undefined;
}
