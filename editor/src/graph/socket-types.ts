/** Socket compatibility and colours. Types are the runtime's names; `*` matches any type. */

export const ANY_TYPE = '*';

export function canConnect(outputType: string, inputType: string): boolean {
  return outputType === inputType || outputType === ANY_TYPE || inputType === ANY_TYPE;
}

const KNOWN_COLOURS: Record<string, string> = {
  CLIP: '#f5c842',
  UNET: '#b28cf6',
  VAE: '#f0565a',
  TOKENS: '#62d2a2',
  CONDITIONING: '#f59c42',
  SCHEDULE: '#4bc7e8',
  LATENT: '#ff6fb5',
  IMAGE: '#6f9dff',
  [ANY_TYPE]: '#b5b5b5',
};

/** A stable colour per type, so plugin types get one too. */
export function socketColour(type: string): string {
  const known = KNOWN_COLOURS[type];
  if (known) return known;
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 70% 62%)`;
}
