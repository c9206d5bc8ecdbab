import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { keepYoungGenerationSmall, VERIFIED_NODE_MAJORS } from '../src/young-generation.js';
import { notBuilt } from './cli/run-cli.js';

const skip = notBuilt();

describe('the CLI keeps V8\'s young generation small during a push', () => {
  it.skipIf(skip)('on this Node the flag is known: setting it prints nothing', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e',
      "const { keepYoungGenerationSmall } = await import('./dist/young-generation.js'); console.log(keepYoungGenerationSmall());"], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(String(VERIFIED_NODE_MAJORS.has(Number(process.versions.node.split('.')[0]))));
  });

  it('leaves V8 alone on a Node major where the flag was not verified, so V8 cannot print an unknown-flag error', () => {
    expect(keepYoungGenerationSmall('27.0.0')).toBe(false);
    expect(keepYoungGenerationSmall('18.20.0')).toBe(false);
  });
});
