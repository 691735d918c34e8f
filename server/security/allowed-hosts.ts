import os from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_ADDRESSES = ['0.0.0.0', '::', ''];

export const isLoopback = (host: string) => LOOPBACK_NAMES.includes(host.toLowerCase()) || host.startsWith('127.');

/**
 * The host names a request may address this server by: loopback names, the bound address, and
 * for a wildcard bind every address of this machine and its host name. Anything else in a Host
 * header is a DNS-rebinding attempt (a foreign name that resolves to us).
 */
export function allowedHostnames(bindHost: string, extra: readonly string[] = []): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, ...extra].map((name) => name.toLowerCase()));
  if (WILDCARD_ADDRESSES.includes(bindHost)) {
    names.add(os.hostname().toLowerCase());
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const address of addresses ?? []) names.add(address.address.toLowerCase());
    }
  } else {
    names.add(bindHost.toLowerCase());
  }
  return names;
}

/** The host name of a Host header, without port or IPv6 brackets. */
export function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
