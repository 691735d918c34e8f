import { ensureTinyModels } from '../../models/tiny.ts';

/** vitest globalSetup: generate data/models/tiny once before any test file needs it. */
export default async function setup(): Promise<void> {
  await ensureTinyModels('data');
}
