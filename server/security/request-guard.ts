import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbiddenHost, forbiddenOrigin, unauthorized } from '../errors.ts';
import { hostnameOf } from './allowed-hosts.ts';

const TOKEN_COOKIE = 'latentflow_token';

export interface GuardOptions {
  allowedHosts: Set<string>;
  /** When set, every request must carry it. */
  token?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();
const sameSecret = (a: string, b: string) => crypto.timingSafeEqual(digest(a), digest(b));

/** A cookie's value, or undefined when it is absent or not valid percent-encoding (it cannot be the token then). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return safeDecode(value.join('='));
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** The origin of a browser request from another site (its Origin names another host, or it hides it); undefined when it is ours. */
function foreignOrigin(request: FastifyRequest): string | undefined {
  const { origin } = request.headers;
  if (origin === undefined) {
    const site = request.headers['sec-fetch-site'];
    return site === 'cross-site' || site === 'same-site' ? `(none, Sec-Fetch-Site: ${site})` : undefined;
  }
  if (origin === 'null') return 'null';
  try {
    const url = new URL(origin);
    const ownHost = new URL(`${url.protocol}//${request.headers.host ?? ''}`).host;
    return url.host === ownHost ? undefined : origin;
  } catch {
    return origin;
  }
}

/**
 * Runs before every route, WebSocket upgrades included: the Host must be ours (DNS rebinding),
 * the token must match when one is required, and requests that change state must come from our origin.
 */
export function createRequestGuard(options: GuardOptions) {
  return async function guardRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const host = request.headers.host ?? '';
    if (!options.allowedHosts.has(hostnameOf(host))) throw forbiddenHost(host);

    if (options.token !== undefined) {
      const queryToken = (request.query as Record<string, unknown> | undefined)?.token;
      const offered =
        bearerToken(request.headers.authorization) ??
        (typeof queryToken === 'string' ? queryToken : undefined) ??
        cookieValue(request.headers.cookie, TOKEN_COOKIE);
      if (offered === undefined || !sameSecret(offered, options.token)) throw unauthorized();
      if (offered === queryToken) {
        reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(offered)}; HttpOnly; SameSite=Strict; Path=/`);
      }
    }

    const changesState = !SAFE_METHODS.has(request.method) || request.headers.upgrade !== undefined;
    const foreign = changesState ? foreignOrigin(request) : undefined;
    if (foreign !== undefined) throw forbiddenOrigin(foreign);
  };
}
