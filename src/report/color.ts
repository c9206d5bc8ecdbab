/** Whether and how richly to colour stderr: `--no-color` and NO_COLOR win, then FORCE_COLOR, then the terminal. */

export type ColorLevel = 0 | 1 | 2 | 3;

export interface ColorInputs {
  /** False when `--no-color` was given. */
  flag: boolean;
  env: NodeJS.ProcessEnv;
  /** What the terminal supports when nothing forces a choice (0 when stderr is not a TTY). */
  terminalLevel: ColorLevel;
}

export function colorLevel({ flag, env, terminalLevel }: ColorInputs): ColorLevel {
  if (!flag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) {
    if (forced === '' || forced === 'true') return 1;
    if (forced === 'false') return 0;
    const n = Number.parseInt(forced, 10);
    if (Number.isInteger(n)) return Math.max(0, Math.min(n, 3)) as ColorLevel;
    return 1;
  }
  return terminalLevel;
}
