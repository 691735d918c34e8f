import { describe, expect, it } from 'vitest';
import { satisfies } from '../../runtime/semver.ts';

describe('satisfies', () => {
  const cases: [range: string, version: string, expected: boolean][] = [
    ['^1', '1.0.0', true],
    ['^1', '1.9.3', true],
    ['^1', '2.0.0', false],
    ['^1.2', '1.1.9', false],
    ['^1.2', '1.2.0', true],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['^0', '0.9.0', true],
    ['^0.0', '0.1.0', false],
    ['~1.2', '1.2.9', true],
    ['~1.2', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['1.x', '1.4.0', true],
    ['1', '2.0.0', false],
    ['1.0.0', '1.0.0', true],
    ['=1.0.0', '1.0.1', false],
    ['*', '7.0.0', true],
    ['', '1.0.0', true],
    ['>=1.0.0 <2', '1.5.0', true],
    ['>= 1.0.0 < 2', '2.0.0', false],
    ['>1', '1.5.0', false],
    ['>1', '2.0.0', true],
    ['>1.0.0', '1.0.1', true],
    ['>1.0.0', '1.0.0', false],
    ['<=1', '1.9.9', true],
    ['<=1', '2.0.0', false],
    ['<=1.0.0', '1.0.0', true],
    ['<=1.0.0', '1.0.1', false],
    ['^2 || ^1', '1.0.0', true],
    ['^2 || ^3', '1.0.0', false],
    ['latest', '1.0.0', false],
    ['^1', 'not-a-version', false],
  ];
  it.each(cases)('%s with %s is %s', (range, version, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });
});
