/**
 * Command line → library options; one top-level catch decides the exit code.
 * Nothing here runs at import time.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, EcrPushError, exitCodeForName } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('ecr-push');
  let code = 0;
  program
    .description('Push a local container image to Amazon ECR without a Docker daemon')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('push', { isDefault: true })
    .argument('<source>', 'OCI layout directory, OCI or docker-save archive, or - for stdin')
    .argument('<destination>', 'repo[:tag], repo@sha256:…, or ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag]')
    .action(async (source: string, destination: string) => {
      const { push } = await import('./push.js');
      const result = await push({ source, destination });
      process.stdout.write(`${result.imageUri ?? ''}\n`);
    });

  program
    .command('inspect')
    .argument('<source>')
    .option('--json', 'print JSON')
    .action(async (source: string) => {
      const { inspect } = await import('./inspect.js');
      process.stdout.write(`${JSON.stringify(await inspect({ source }), null, 2)}\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    code = reportError(err);
  }
  return code;
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? 0 : 2;
  }
  const name = err instanceof Error ? err.name : 'InternalError';
  const code = err instanceof EcrPushError ? exitCodeForName(name) : 1;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ecr-push: ${message}${code === 1 ? '' : ` (${name})`}\n`);
  if (err instanceof EcrPushError && err.hint) process.stderr.write(`hint: ${err.hint}\n`);
  void EXIT_CODES;
  return code;
}
