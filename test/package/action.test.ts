/** The GitHub Action passes every input it declares to the CLI and nothing else. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
});
