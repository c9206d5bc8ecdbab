import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeHelp } from '../../src/cli.js';
import { EXIT_CODES, exitCodeForName } from '../../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the first table under the "## Exit codes" heading. */
function readmeRows(): { code: number; meaning: string }[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Exit codes'));
  if (section === undefined) return [];
  return section
    .split('\n')
    .filter((l) => /^\|\s*\d+\s*\|/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return { code: Number(cells[1]), meaning: cells[2] ?? '' };
    });
}

describe('the exit-code table', () => {
  it("README's table lists exactly the codes and meanings of EXIT_CODES, in order", () => {
    expect(readmeRows()).toEqual(EXIT_CODES.map((r) => ({ code: r.code, meaning: r.meaning })));
  });

  it('--help shows every row of EXIT_CODES', () => {
    const help = exitCodeHelp();
    for (const r of EXIT_CODES) expect(help).toMatch(new RegExp(`^ +${r.code} +${r.meaning.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  it('has one row per code and maps each name to one code; unlisted ECR names map to 25', () => {
    const codes = EXIT_CODES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    const names = EXIT_CODES.flatMap((r) => r.names);
    expect(new Set(names).size).toBe(names.length);
    for (const r of EXIT_CODES) for (const n of r.names) expect(exitCodeForName(n)).toBe(r.code);
    expect(exitCodeForName('ThrottlingException')).toBe(25);
  });

  it('gives every failure row a hint line, except input errors (hinted by problem, and only where it helps)', () => {
    expect(EXIT_CODES.filter((r) => r.code !== 0 && !r.hint).map((r) => r.code)).toEqual([3]);
  });
});
