import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `latentflow serve` and resolves with the URL it prints. */
function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
  child = spawn(process.execPath, ['bin/latentflow.js', 'serve', ...args], { cwd: REPO, env: { ...process.env, ...env } });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${output}`)), 60_000);
    child?.stdout?.on('data', () => {
      const match = /listening on (\S+)/.exec(output);
      if (match && output.includes('API docs:')) {
        clearTimeout(timer);
        resolve({ url: match[1], output: () => output });
      }
    });
    child?.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

const exited = () => new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

describe('latentflow serve', () => {
  it('serves on loopback without a token, creates the database, and shuts down cleanly on SIGTERM', async () => {
    const data = tempDir('serve');
    const { url, output } = await serve(['--port', '0', '--data', data, '--plugins', tempDir('plugins')]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await fetch(`${url}api/health`);
    expect(await health.json()).toMatchObject({ ok: true });
    expect(fs.existsSync(path.join(data, 'latentflow.sqlite'))).toBe(true);
    expect(output()).toContain(`API docs: ${url}api/docs`);
    expect((await fetch(`${url}api/docs/`)).status).toBe(200);
    const exit = exited();
    child?.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output()).toContain('SIGTERM: shutting down');
  });

  it('beyond loopback prints the URL with the token from LATENTFLOW_TOKEN and requires it', async () => {
    const { url } = await serve(['--host', '0.0.0.0', '--port', '0', '--data', tempDir('serve'), '--plugins', tempDir('plugins')], {
      LATENTFLOW_TOKEN: 'from-env',
    });
    expect(url).toMatch(/\?token=from-env$/);
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: 'Bearer from-env' } })).status).toBe(200);
  });

  it('refuses a bad port with the usage and exit code 2', async () => {
    child = spawn(process.execPath, ['bin/latentflow.js', 'serve', '--port', 'eighty'], { cwd: REPO });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    expect(await exited()).toBe(2);
    expect(stderr).toMatch(/--port expects a number/);
    expect(stderr).toMatch(/usage: latentflow serve/);
  });
});
