/** Chooses how progress is shown: nothing (-q), a spinner at a terminal, plain lines in CI and pipes. */
import type { RunFlags } from './run.js';
import { colorLevel, type ColorLevel } from './color.js';
import { plainReporter } from './plain.js';
import { quietReporter, type Reporter } from './reporter.js';

/** `CI` counts as set unless empty, `false` or `0`. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && !['', 'false', '0'].includes(env.CI.toLowerCase());
}

export async function createReporter(
  flags: Pick<RunFlags, 'quiet' | 'verbose' | 'color'>,
  out: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
): Promise<Reporter> {
  if (flags.quiet) return quietReporter;
  // A terminal of width 0 (a pty nobody sized) would make the spinner's redraw arithmetic divide by zero.
  if (!out.isTTY || isCi(env) || !out.columns) return plainReporter({ out, verbose: flags.verbose });
  const { supportsColorStderr } = await import('chalk');
  const terminalLevel = (supportsColorStderr ? supportsColorStderr.level : 0) as ColorLevel;
  const { ttyReporter } = await import('./tty.js');
  return ttyReporter({ out, verbose: flags.verbose, color: colorLevel({ flag: flags.color, env, terminalLevel }) });
}
