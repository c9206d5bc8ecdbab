/**
 * The emulator in a process of its own, run by bench/emulator-process.ts: like docker-registry,
 * it is a server beside the pushes, and its CPU seconds are read from /proc apart from the
 * benchmark's own (spawning, timing, warming the page cache).
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
