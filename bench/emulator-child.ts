/**
 * The emulator in a process of its own, run by bench/emulator-process.ts. In the benchmark's own
 * process it would share that process's memory with every push the benchmark spawns: each spawn
 * write-protects the parent's pages, and the emulator then pays a page fault per 4 KiB of its part
 * buffers on the next push.
 */
import { startEmulator } from '../test/emulator/index.js';
import type { Command } from './emulator-process.js';

const emulator = await startEmulator();
process.on('message', (command: Command) => {
  const done = (error?: unknown) => process.send!({ id: command.id, ...(error ? { error: String(error) } : {}) });
  const run = async () => {
    if (command.op === 'addFault') emulator.addFault(command.fault);
    else if (command.op === 'removeRepository') await emulator.removeRepository(command.name);
    else {
      await emulator.stop();
      process.disconnect();
    }
  };
  run().then(() => command.op !== 'stop' && done(), done);
});
process.send!({ env: emulator.env });
