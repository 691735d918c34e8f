import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers.ts';

describe('GET /api/workers', () => {
  it('without --redis runs execute in the server: mode embedded and no workers', async () => {
    const server = await startTestServer();
    try {
      const response = await server.app.inject({ url: '/api/workers' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ mode: 'embedded', workers: [] });
    } finally {
      await server.close();
    }
  });
});
