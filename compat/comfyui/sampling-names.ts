import { SCHEDULE_ALIASES } from '../../models/schedulers/index.ts';
import type { ComfyEnvironment, ComfyNodeView } from './class-entry.ts';

/** ComfyUI's GPU-noise variants are the same algorithms; latentflow draws its noise on the CPU anyway. */
const SAMPLER_ALIASES: Record<string, string> = {
  dpmpp_sde_gpu: 'dpmpp_sde',
  dpmpp_2m_sde_gpu: 'dpmpp_2m_sde',
  dpmpp_3m_sde_gpu: 'dpmpp_3m_sde',
};

export const samplerChoices = (env: ComfyEnvironment) => env.choices('Scheduler', 'sampler');
/** latentflow's own back-compat names (`default`) are not ComfyUI's, so a ComfyUI client is not offered them. */
export const schedulerChoices = (env: ComfyEnvironment) => env.choices('Scheduler', 'schedule').filter((name) => !SCHEDULE_ALIASES.includes(name));

function mapped(node: ComfyNodeView, input: string, choices: string[], aliases: Record<string, string>): string {
  const name = node.string(input);
  if (choices.includes(name)) return name;
  const alias = aliases[name];
  if (alias !== undefined && choices.includes(alias)) return alias;
  return node.fail('comfy_value_not_in_list', input, `${input} "${name}" has no latentflow equivalent; latentflow has: ${choices.join(', ')}`);
}

export const samplerOf = (node: ComfyNodeView) => mapped(node, 'sampler_name', node.env.choices('Scheduler', 'sampler'), SAMPLER_ALIASES);
export const schedulerOf = (node: ComfyNodeView) => mapped(node, 'scheduler', schedulerChoices(node.env), {});
