/** One emulator per test file: started before the tests, stopped after, with an isolated CLI env. */
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { isolatedEnv } from './cli.js';

export interface EmulatorFixture {
  emu: Emulator;
  /** The emulator's credentials and endpoint plus a private HOME (shared by the file's tests). */
  env: Record<string, string>;
}

/** Register beforeAll/afterAll hooks; the returned object is filled in once the emulator runs. */
export function useEmulator(opts: EmulatorOptions = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emu = await startEmulator(opts);
    fixture.env = isolatedEnv(fixture.emu.env);
  });
  afterAll(async () => {
    await fixture.emu?.stop();
  });
  return fixture;
}
