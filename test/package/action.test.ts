/** The GitHub Action passes every input it declares to the CLI and nothing else. */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { actionInputs, actionRunScript, actionStepEnv } from './action-script.js';

const yaml = await readFile(join(REPO_ROOT, 'action.yml'), 'utf8');

describe('action.yml', () => {
  it('hands every declared input to the step, and the step uses each one', () => {
    const inputs = actionInputs(yaml);
    expect(inputs).toEqual(expect.arrayContaining(['image', 'repository', 'layers-from', 'region', 'create-repository', 'platform', 'compression', 'request-timeout']));
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

  describe('its step, run with a stand-in npx that prints what the CLI would get', () => {
    let bin = '';
    beforeAll(async () => {
      bin = await mkdtemp(join(tmpdir(), 'ecr-push-action-'));
      await writeFile(join(bin, 'npx'), '#!/bin/sh\necho "GLIBC_TUNABLES=${GLIBC_TUNABLES-unset}"\necho "$*"\n');
      await chmod(join(bin, 'npx'), 0o755);
    });
    afterAll(() => rm(bin, { recursive: true, force: true }));

    const step = async (inputs: Record<string, string> = {}, tunables?: string): Promise<{ code: number; lines: string[]; stderr: string }> => {
      const { GLIBC_TUNABLES: _own, ...env } = process.env;
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('bash', ['-c', actionRunScript(yaml)], {
          env: {
            ...env, PATH: `${bin}:${env.PATH ?? ''}`, ...(tunables === undefined ? {} : { GLIBC_TUNABLES: tunables }),
            ECR_PUSH_IMAGE: 'image.tar', ECR_PUSH_REPOSITORY: 'app:v1', ECR_PUSH_TAGS: '', ECR_PUSH_LAYERS_FROM: '', ECR_PUSH_REGION: '',
            ECR_PUSH_CREATE_REPOSITORY: 'false', ECR_PUSH_PLATFORM: '', ECR_PUSH_COMPRESSION: 'auto', ECR_PUSH_REQUEST_TIMEOUT: '', ECR_PUSH_PACKAGE: 'ecr-push@0',
            ...inputs,
          },
        }, (err, stdout, stderr) => resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr }));
      });
      return { code: run.code, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
    };

    it('turns malloc huge pages on, keeping the glibc tunables a workflow sets', async () => {
      expect((await step()).lines[0]).toBe('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
      expect((await step({}, 'glibc.malloc.arena_max=2')).lines[0]).toBe('GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
      expect((await step({}, 'glibc.malloc.hugetlb=0')).lines[0]).toBe('GLIBC_TUNABLES=glibc.malloc.hugetlb=0');
    });

    it('passes the image and repository after --, so a path starting with - is not read as an option', async () => {
      const { lines } = await step({ ECR_PUSH_IMAGE: '-image.tar', ECR_PUSH_TAGS: 'a, b' });
      expect(lines[1]).toBe('--yes --package ecr-push@0 -- ecr-push --compression auto --tag a --tag b -- -image.tar app:v1');
    });

    it('passes each layers-from entry as its own --layers-from, however they are separated', async () => {
      const digest = `sha256:${'a'.repeat(64)}`;
      const { lines } = await step({ ECR_PUSH_LAYERS_FROM: `latest,\n${digest} build-7` });
      expect(lines[1]).toBe(`--yes --package ecr-push@0 -- ecr-push --compression auto --layers-from latest --layers-from ${digest} --layers-from build-7 -- image.tar app:v1`);
    });

    it('passes request-timeout only when it is set', async () => {
      expect((await step({ ECR_PUSH_REQUEST_TIMEOUT: '30' })).lines[1]).toBe('--yes --package ecr-push@0 -- ecr-push --compression auto --request-timeout 30 -- image.tar app:v1');
      expect((await step()).lines[1]).not.toContain('--request-timeout');
    });

    it('takes create-repository as true or false in any case, and refuses anything else', async () => {
      expect((await step({ ECR_PUSH_CREATE_REPOSITORY: 'True' })).lines[1]).toContain(' --create-repository -- ');
      expect((await step({ ECR_PUSH_CREATE_REPOSITORY: 'FALSE' })).lines[1]).not.toContain('--create-repository');
      const wrong = await step({ ECR_PUSH_CREATE_REPOSITORY: 'yes' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain("create-repository must be 'true' or 'false', got 'yes'");
    });
  });
});
