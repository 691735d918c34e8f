import { afterEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { requiredToken } from '../../../server/index.ts';
import { silentLogger } from '../../../runtime/index.ts';
import { startTestServer } from '../helpers.ts';

let server: LatentflowServer;
afterEach(() => server?.close());

const createProject = (headers: Record<string, string>, name = 'P') =>
  server.app.inject({ method: 'POST', url: '/api/projects', payload: { name }, headers });

describe('Host header (DNS rebinding guard)', () => {
  it('refuses a Host that is not this server, for reads too', async () => {
    server = await startTestServer();
    for (const host of ['evil.example', 'evil.example:8188', 'localhost.evil.example', '10.0.0.99:8188']) {
      const response = await server.app.inject({ url: '/api/health', headers: { host } });
      expect(response.statusCode, host).toBe(403);
      expect(response.json().code).toBe('forbidden_host');
    }
  });

  it('accepts the loopback names with any port', async () => {
    server = await startTestServer();
    for (const host of ['localhost:8188', '127.0.0.1:9', '[::1]:8188', 'LOCALHOST']) {
      expect((await server.app.inject({ url: '/api/health', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('accepts extra names given in allowedHosts', async () => {
    server = await startTestServer({ allowedHosts: ['studio.lan'] });
    expect((await server.app.inject({ url: '/api/health', headers: { host: 'studio.lan:8188' } })).statusCode).toBe(200);
  });
});

describe('Origin of state-changing requests (CSRF guard)', () => {
  it('refuses a foreign Origin, a null Origin, and a cross-site browser request without Origin', async () => {
    server = await startTestServer();
    const refused: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'http://localhost:9999' },
      { origin: 'https://localhost' },
      { origin: 'null' },
      { origin: 'not a url' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      const response = await createProject(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().code).toBe('forbidden_origin');
    }
    expect((await server.app.inject({ url: '/api/projects' })).json()).toHaveLength(1);
  });

  it('accepts its own origin, same-origin fetches and clients that send no Origin (curl, scripts)', async () => {
    server = await startTestServer();
    expect((await createProject({ origin: 'http://localhost' }, 'A')).statusCode).toBe(201);
    expect((await createProject({ origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' }, 'B')).statusCode).toBe(201);
    expect((await createProject({}, 'C')).statusCode).toBe(201);
  });

  it('lets a foreign page read nothing it could not read anyway: GETs need no Origin check', async () => {
    server = await startTestServer();
    expect((await server.app.inject({ url: '/api/health', headers: { origin: 'http://evil.example' } })).statusCode).toBe(200);
  });
});

describe('access token when listening beyond loopback', () => {
  it('is required, and none is needed on loopback or with insecure', () => {
    expect(requiredToken({ host: '127.0.0.1' })).toBeUndefined();
    expect(requiredToken({ host: '0.0.0.0', insecure: true })).toBeUndefined();
    expect(requiredToken({ host: '0.0.0.0', token: 'given' })).toBe('given');
    const generated = requiredToken({ host: '0.0.0.0' });
    expect(generated).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(requiredToken({ host: '0.0.0.0' })).not.toBe(generated);
  });

  it('refuses requests without the right token (401 unauthorized), the editor page included', async () => {
    server = await startTestServer({ host: '0.0.0.0', token: 'secret-token' });
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { cookie: 'latentflow_token=wrong' }, { authorization: 'Basic c2VjcmV0LXRva2Vu' }]) {
      const response = await server.app.inject({ url: '/api/health', headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.json().code).toBe('unauthorized');
    }
    expect((await server.app.inject({ url: '/' })).statusCode).toBe(401);
    expect((await server.app.inject({ url: '/api/health?token=wrong' })).statusCode).toBe(401);
  });

  it('accepts it as a Bearer header, a cookie, or ?token= which then sets the HttpOnly cookie', async () => {
    server = await startTestServer({ host: '0.0.0.0', token: 'secret-token' });
    expect((await server.app.inject({ url: '/api/health', headers: { authorization: 'Bearer secret-token' } })).statusCode).toBe(200);
    const viaQuery = await server.app.inject({ url: '/?token=secret-token' });
    expect(viaQuery.statusCode).toBe(200);
    const cookie = String(viaQuery.headers['set-cookie']);
    expect(cookie).toMatch(/^latentflow_token=secret-token;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await server.app.inject({ url: '/api/projects', headers: { cookie: 'other=1; latentflow_token=secret-token' } })).statusCode).toBe(200);
  });

  it('answers a malformed token cookie with 401 unauthorized, logging no error', async () => {
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => void errors.push(message) };
    server = await startTestServer({ host: '0.0.0.0', token: 'secret-token', logger });
    for (const cookie of ['latentflow_token=%E0%A4%A', 'latentflow_token=%', 'other=%ZZ; latentflow_token=%E0%A4%A']) {
      const response = await server.app.inject({ url: '/api/health', headers: { cookie } });
      expect(response.statusCode, cookie).toBe(401);
      expect(response.json().code).toBe('unauthorized');
    }
    expect(errors).toEqual([]);
  });

  it('with insecure, serves beyond loopback without a token', async () => {
    server = await startTestServer({ host: '0.0.0.0', insecure: true });
    expect(server.token).toBeUndefined();
    expect((await server.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});

describe('body limits', () => {
  it('refuses JSON bodies over 2 MB with 413', async () => {
    server = await startTestServer();
    const big = { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) };
    const response = await server.app.inject({ method: 'POST', url: '/api/projects', payload: big });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('payload_too_large');
  });
});
