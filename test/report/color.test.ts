import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/report/color.js';

describe('colour choice', () => {
  it('follows the terminal when nothing forces a choice', () => {
    expect(colorLevel({ flag: true, env: {}, terminalLevel: 2 })).toBe(2);
    expect(colorLevel({ flag: true, env: {}, terminalLevel: 0 })).toBe(0);
  });

  it('turns colour off with --no-color, even when FORCE_COLOR is set', () => {
    expect(colorLevel({ flag: false, env: { FORCE_COLOR: '3' }, terminalLevel: 3 })).toBe(0);
  });

  it('turns colour off when NO_COLOR is set to anything non-empty', () => {
    expect(colorLevel({ flag: true, env: { NO_COLOR: '1' }, terminalLevel: 3 })).toBe(0);
    expect(colorLevel({ flag: true, env: { NO_COLOR: '' }, terminalLevel: 3 })).toBe(3);
  });

  it('turns colour on with FORCE_COLOR even without a terminal, at the level it names', () => {
    expect(colorLevel({ flag: true, env: { FORCE_COLOR: '' }, terminalLevel: 0 })).toBe(1);
    expect(colorLevel({ flag: true, env: { FORCE_COLOR: '3' }, terminalLevel: 0 })).toBe(3);
    expect(colorLevel({ flag: true, env: { FORCE_COLOR: '0' }, terminalLevel: 3 })).toBe(0);
    expect(colorLevel({ flag: true, env: { FORCE_COLOR: 'false' }, terminalLevel: 3 })).toBe(0);
  });
});
