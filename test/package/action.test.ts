/** The GitHub Action passes every input it declares to the CLI and nothing else. */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { actionInputs, actionRunScript, actionStepEnv } from './action-script.js';

const yaml = await readFile(join(REPO_ROOT, 'action.yml'), 'utf8');

describe('action.yml', () => {
  it('hands every declared input to the step, and the step uses each one', () => {
    const inputs = actionInputs(yaml);
    expect(inputs).toEqual(expect.arrayContaining(['image', 'repository', 'region', 'create-repository', 'platform', 'compression']));
    const env = actionStepEnv(yaml);
    const script = actionRunScript(yaml);
    for (const input of inputs) {
      const variable = Object.keys(env).find((k) => env[k] === `\${{ inputs.${input} }}`);
      expect(variable, `input ${input} reaches the step`).toBeDefined();
      expect(script, `the step uses ${variable}`).toMatch(new RegExp(`\\$\\{?${variable}\\b`));
    }
  });

  it('declares the digest and image-uri outputs from the push step', () => {
    expect(yaml).toMatch(/digest:\n\s+description: .+\n\s+value: \$\{\{ steps\.push\.outputs\.digest \}\}/);
    expect(yaml).toMatch(/image-uri:\n\s+description: .+\n\s+value: \$\{\{ steps\.push\.outputs\.image-uri \}\}/);
  });

  it('runs the CLI with malloc huge pages on, keeping the glibc tunables a workflow sets', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'ecr-push-action-'));
    try {
      // A stand-in for npx that prints the environment the CLI would start with.
      await writeFile(join(bin, 'npx'), '#!/bin/sh\necho "GLIBC_TUNABLES=${GLIBC_TUNABLES-unset}"\n');
      await chmod(join(bin, 'npx'), 0o755);
      const tunablesSeen = async (workflowValue?: string): Promise<string> => {
        const { GLIBC_TUNABLES: _own, ...env } = process.env;
        const { stdout } = await promisify(execFile)('bash', ['-c', actionRunScript(yaml)], {
          env: {
            ...env, PATH: `${bin}:${env.PATH ?? ''}`, ...(workflowValue === undefined ? {} : { GLIBC_TUNABLES: workflowValue }),
            ECR_PUSH_IMAGE: 'image.tar', ECR_PUSH_REPOSITORY: 'app:v1', ECR_PUSH_TAGS: '', ECR_PUSH_REGION: '',
            ECR_PUSH_CREATE_REPOSITORY: 'false', ECR_PUSH_PLATFORM: '', ECR_PUSH_COMPRESSION: 'auto', ECR_PUSH_PACKAGE: 'ecr-push@0',
          },
        });
        return stdout.trim();
      };
      expect(await tunablesSeen()).toBe('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
      expect(await tunablesSeen('glibc.malloc.arena_max=2')).toBe('GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
      expect(await tunablesSeen('glibc.malloc.hugetlb=0')).toBe('GLIBC_TUNABLES=glibc.malloc.hugetlb=0');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
