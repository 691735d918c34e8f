import { describe, expect, it } from 'vitest';
import { judge } from '../../bench/figures.ts';
import { formatTable } from '../../bench/table.ts';

describe('figures', () => {
  it('judges a figure against a maximum or a minimum, and leaves figures without a target unjudged', () => {
    const max = { kind: 'max' as const, limit: 9, text: '≤ 9 s' };
    expect(judge({ id: 'a', label: 'a', value: 9, unit: 's', target: max }).met).toBe(true);
    expect(judge({ id: 'a', label: 'a', value: 9.01, unit: 's', target: max }).met).toBe(false);
    expect(judge({ id: 'b', label: 'b', value: 29, unit: 'dB', target: { kind: 'min', limit: 30, text: '≥ 30' } }).met).toBe(false);
    expect(judge({ id: 'c', label: 'c', value: 1, unit: 'x' }).met).toBeNull();
  });

  it('prints a Markdown table with the verdicts and the figures that could not be measured', () => {
    const table = formatTable(
      [judge({ id: 'a', label: 'UNet step', value: 12.345, unit: 's', target: { kind: 'max', limit: 9, text: '≤ 9 s' }, note: 'a|b' })],
      [{ id: 'x', label: 'bf16', reason: 'no writer support' }],
    ).split('\n');
    expect(table[0]).toBe('| Figure | Measured | Target | Met | Notes |');
    expect(table[2]).toBe('| UNet step | 12.3 s | ≤ 9 s | NO | a\\|b |');
    expect(table[3]).toBe('| bf16 | not available | — |  | no writer support |');
  });
});
