// Module hook: `import ... from 'latentflow'` (or 'latentflow/nodes') in a plugin, wherever its folder is,
// resolves to this running latentflow, found through its own package.json "exports".
let packageJsonUrl;

export function initialize(data) {
  packageJsonUrl = data.packageJsonUrl;
}

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'latentflow' || specifier.startsWith('latentflow/')) {
    return nextResolve(specifier, { ...context, parentURL: packageJsonUrl });
  }
  return nextResolve(specifier, context);
}
