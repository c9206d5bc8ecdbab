/** The benchmark's ECR emulator, in a child process (see emulator-child.ts), driven over IPC. */
import { fork } from 'node:child_process';
import type { Fault } from '../test/emulator/index.js';
import { processCpuSeconds } from './measure.js';

type Operation = { op: 'addFault'; fault: Fault } | { op: 'removeRepository'; name: string } | { op: 'stop' };
export type Command = { id: number } & Operation;

export interface BenchEmulator {
  /** The AWS_* variables that point a push at the emulator. */
  env: Record<string, string>;
  addFault(fault: Fault): Promise<void>;
  /** Drops a repository and the blobs only it held (Emulator.removeRepository). */
  removeRepository(name: string): Promise<void>;
  /** CPU seconds the emulator process has used so far, its worker threads included. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<BenchEmulator> {
  const child = fork(new URL('./emulator-child.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child.once('message', (m: { env: Record<string, string> }) => resolve(m.env));
    child.once('exit', (code) => reject(new Error(`the emulator process exited with ${code} before it was ready`)));
  });
  let exited: Error | undefined;
  child.on('message', (m: { id: number; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error === undefined) w?.resolve();
    else w?.reject(new Error(m.error));
  });
  // A child that dies fails what waits on it, and whatever is asked of it later.
  child.on('exit', (code, signal) => {
    exited = new Error(`the emulator process exited (${signal ?? code})`);
    for (const w of waiting.values()) w.reject(exited);
    waiting.clear();
  });
  child.on('error', () => undefined); // a send on a closed channel; reported through `exited`
  const send = (command: Operation) =>
    new Promise<void>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...command, id });
    });
  return {
    env,
    addFault: (fault) => send({ op: 'addFault', fault }),
    removeRepository: (name) => send({ op: 'removeRepository', name }),
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: async () => {
      if (exited || !child.connected || child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'stop', id: nextId++ });
      // The child stops its emulator and exits, or is killed if it has not within 30 s.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
