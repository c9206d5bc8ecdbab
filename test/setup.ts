/** Runs in every test file: remove the file's scratch directories when its tests end. */
import { afterAll } from 'vitest';
import { removeScratch } from './helpers/scratch.js';

afterAll(removeScratch);
