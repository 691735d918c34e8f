import { A1111_SAMPLERS } from './a1111.ts';
import { SAMPLER_DESCRIPTORS } from './samplers/index.ts';
import { SPACINGS } from './spacings.ts';

const yes = (flag: boolean) => (flag ? 'yes' : '');

/** The markdown table of samplers in docs/samplers.md, generated from the descriptors. */
export function samplerTable(): string {
  const labels = (name: string) =>
    Object.entries(A1111_SAMPLERS)
      .filter(([, choice]) => choice.sampler === name)
      .map(([label, choice]) => `${label} (${choice.scheduler})`)
      .join(', ');
  const rows = SAMPLER_DESCRIPTORS.map(
    (d) =>
      `| \`${d.name}\` | ${d.label} | ${yes(d.multistep)} | ${yes(d.stochastic)} | ${d.modelCalls} | ${d.defaultSpacing} | ${labels(d.name)} | ${d.reference} |`,
  );
  return [
    '| id | name | multistep | stochastic | UNet calls per step | `default` spacing | A1111 labels (scheduler) | reference |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The markdown table of schedules in docs/samplers.md, generated from the spacings. */
export function scheduleTable(): string {
  return ['| id | name | levels |', '| --- | --- | --- |', ...SPACINGS.map((s) => `| \`${s.name}\` | ${s.label} | ${s.reference} |`)].join('\n');
}
