/**
 * `npm run emulator [-- --port N --repo NAME[:IMMUTABLE] --part-size BYTES --absent MissingLayerDigest]`:
 * runs the emulator until Ctrl-C and prints how to point the AWS CLI, the SDK or ecr-push at it.
 */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions, type TagMutability } from './index.js';

const USAGE = `usage: npm run emulator -- [--port N] [--region R] [--repo NAME[:IMMUTABLE]]... [--part-size BYTES] [--absent UNAVAILABLE|MissingLayerDigest] [--data-dir DIR]`;

function options(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      region: { type: 'string' },
      repo: { type: 'string', multiple: true },
      'part-size': { type: 'string' },
      absent: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.absent !== undefined && values.absent !== 'UNAVAILABLE' && values.absent !== 'MissingLayerDigest') {
    throw new Error(`--absent must be UNAVAILABLE or MissingLayerDigest, got ${values.absent}`);
  }
  return {
    port: values.port === undefined ? undefined : Number(values.port),
    region: values.region,
    partSize: values['part-size'] === undefined ? undefined : Number(values['part-size']),
    absentLayers: values.absent,
    dataDir: values['data-dir'],
    repositories: (values.repo ?? []).map((spec) => {
      const [name, mutability] = spec.split(':') as [string, string | undefined];
      return { name, imageTagMutability: (mutability?.toUpperCase() ?? 'MUTABLE') as TagMutability };
    }),
  };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const emu = await startEmulator(opts);
  const exports = Object.entries(emu.env).map(([k, v]) => `export ${k}=${v}`);
  const repo = opts.repositories?.[0]?.name ?? 'my-repo';
  console.log(
    [
      `ECR emulator listening on ${emu.endpoint} (region ${emu.region}, registry id ${emu.accountId})`,
      `registry read side: ${emu.registryHost} (plain HTTP, no auth)`,
      '',
      'test credentials (the only ones accepted):',
      ...exports,
      '',
      'try:',
      `  aws ecr create-repository --repository-name ${repo} --endpoint-url ${emu.endpoint}`,
      `  aws ecr describe-repositories --endpoint-url ${emu.endpoint}`,
      `  ecr-push push ./image-oci-layout ${repo}:latest --endpoint-url ${emu.endpoint}`,
      `  skopeo copy --src-tls-verify=false docker://${emu.registryHost}/${repo}:latest oci:./pulled`,
      '',
      'Ctrl-C to stop.',
    ].join('\n'),
  );
  const stop = () => {
    void emu.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`emulator: ${(e as Error).message}`);
  console.error(USAGE);
  process.exitCode = 2;
});
