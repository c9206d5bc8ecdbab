/**
 * The emulator in a process of its own, run by bench/emulator-process.ts. In the benchmark's own
 * process it would share that process's memory with every push the benchmark spawns: each spawn
 * write-protects the parent's pages, and the emulator then pays a page fault per 4 KiB of its part
 * buffers on the next push.
 */
import { startEmulator } from '../test/emulator/index.js';
import type { Command } from './emulator-process.js';

const emulator = await startEmulator();

/** Stops the emulator and exits, whatever stop() does; once only. */
let stopping: Promise<never> | undefined;
const stopAndExit = (): Promise<never> =>
  (stopping ??= emulator.stop().then(() => process.exit(0), () => process.exit(1)));

// The benchmark went away (it ended, or died): nothing is left to serve.
process.on('disconnect', () => void stopAndExit());
process.on('message', (command: Command) => {
  if (command.op === 'stop') return void stopAndExit();
  const done = (error?: unknown) => process.send?.({ id: command.id, ...(error ? { error: String(error) } : {}) });
  const run = async () => {
    if (command.op === 'addFault') emulator.addFault(command.fault);
    else await emulator.removeRepository(command.name);
  };
  run().then(() => done(), done);
});
process.send!({ env: emulator.env });
