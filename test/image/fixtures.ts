/** Paths of the project's fixtures and the shared reference archives, resolved from this file. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (...parts: string[]): string => join(ROOT, 'fixtures', ...parts);
export const SHARED_IMAGES = resolve(ROOT, '..', 'shared', 'images');
export const shared = (...parts: string[]): string => join(SHARED_IMAGES, ...parts);
export const sharedMissing = existsSync(SHARED_IMAGES) ? '' : `${SHARED_IMAGES} is absent`;
