/** One emulator and SDK client per test file, started before its tests and stopped after. */
import { afterAll, beforeAll } from 'vitest';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { startEmulator, type Emulator, type EmulatorOptions, type TagMutability } from './index.js';
import { ecrClient } from './sdk.js';

export interface Harness {
  readonly emu: Emulator;
  readonly client: ECRClient;
  /** Creates a repository no other test uses. */
  newRepo(mutability?: TagMutability): string;
}

export function useEmulator(prefix: string, opts?: EmulatorOptions): Harness {
  let emu: Emulator | undefined;
  let client: ECRClient | undefined;
  let count = 0;
  beforeAll(async () => {
    emu = await startEmulator(opts);
    client = ecrClient(emu);
  });
  afterAll(async () => {
    client?.destroy();
    await emu?.stop();
  });
  return {
    get emu() {
      return emu!;
    },
    get client() {
      return client!;
    },
    newRepo(mutability = 'MUTABLE') {
      const name = `${prefix}-${++count}`;
      emu!.createRepository(name, mutability);
      return name;
    },
  };
}
