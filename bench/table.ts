import type { JudgedFigure, Unavailable } from './figures.ts';

function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 0.01 || value === 0) return value.toFixed(3);
  return value.toExponential(2);
}

const verdict = (met: boolean | null) => (met === null ? '' : met ? 'yes' : 'NO');

/** A Markdown table: readable in a terminal and pasteable into the docs. */
export function formatTable(figures: JudgedFigure[], unavailable: Unavailable[]): string {
  const rows = figures.map((f) => [f.label, `${formatNumber(f.value)} ${f.unit}`, f.target?.text ?? '—', verdict(f.met), f.note ?? '']);
  for (const u of unavailable) rows.push([u.label, 'not available', '—', '', u.reason]);
  const header = ['Figure', 'Measured', 'Target', 'Met', 'Notes'];
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(escape).join(' | ')} |`).join('\n');
}
