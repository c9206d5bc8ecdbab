/** One emulator per test file: started before the tests, stopped after, with an isolated CLI env. */
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { isolatedEnv, removeHomes } from './cli.js';

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
    removeHomes();
  });
  return fixture;
}

/**
 * Point this process's default AWS credential chain at the emulator (for in-process library
 * tests) and at no real AWS file; returns a function that restores the environment.
 */
export function emulatorProcessEnv(emu: Emulator): () => void {
  const saved = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL']) delete process.env[name];
  Object.assign(process.env, emu.env, {
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return () => {
    process.env = saved;
  };
}
