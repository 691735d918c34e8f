#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package needs no build step.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// Plugins import the runtime API as 'latentflow' from any folder (see docs/plugins.md).
registerHooks('./resolve-latentflow.mjs', import.meta.url, { data: { packageJsonUrl: new URL('../package.json', import.meta.url).href } });
await import('../cli/main.ts');
