/**
 * One emulator per test file for tests that run the real CLI against it: started before the
 * file's tests, stopped after them, and the private HOMEs of cleanEnv() removed.
 */
import { afterAll, beforeAll } from 'vitest';
import { removeHomes } from '../cli/run-cli.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

export interface CliEmulator {
  readonly emu: Emulator;
  /** Creates `prefix/rN`, a repository no other test of the file uses. */
  newRepo(prefix: string): string;
}

export function useCliEmulator(opts?: EmulatorOptions): CliEmulator {
  let emu: Emulator | undefined;
  let count = 0;
  beforeAll(async () => {
    emu = await startEmulator(opts);
  });
  afterAll(async () => {
    await emu?.stop();
    removeHomes();
  });
  return {
    get emu() {
      return emu!;
    },
    newRepo(prefix) {
      const name = `${prefix}/r${++count}`;
      emu!.createRepository(name);
      return name;
    },
  };
}
