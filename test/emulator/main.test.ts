import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run emulator (standalone)', () => {
  it('prints the endpoint and export lines that let an SDK client in, and exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/main.ts', '--repo', 'preset:IMMUTABLE'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('Ctrl-C')) resolve();
      });
      child.on('exit', () => reject(new Error(`emulator exited early: ${stderr}`)));
    });
    const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL_ECR', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
    expect(stdout).toContain(`aws ecr describe-repositories --endpoint-url ${env.AWS_ENDPOINT_URL_ECR}`);
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const client = new ECRClient({
      endpoint: env.AWS_ENDPOINT_URL_ECR,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, sessionToken: env.AWS_SESSION_TOKEN },
      maxAttempts: 1,
    });
    try {
      await client.send(new CreateRepositoryCommand({ repositoryName: 'created' }));
      const { repositories } = await client.send(new DescribeRepositoriesCommand({}));
      expect(repositories?.map((r) => [r.repositoryName, r.imageTagMutability])).toEqual([
        ['preset', 'IMMUTABLE'],
        ['created', 'MUTABLE'],
      ]);
    } finally {
      client.destroy();
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
