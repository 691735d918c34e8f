import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveHub } from '../../../server/live/hub.ts';
import { waitFor } from '../helpers.ts';

let server: WebSocketServer | undefined;
let hub: LiveHub | undefined;
afterEach(() => {
  hub?.closeAll();
  server?.close();
});

async function hubWithClient(heartbeatMs: number) {
  hub = new LiveHub(heartbeatMs);
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const serverSide = new Promise<WebSocket>((resolve) => server?.on('connection', (socket) => (hub?.add(socket), resolve(socket))));
  await new Promise((resolve) => server?.once('listening', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  return { client, serverSide: await serverSide };
}

describe('LiveHub heartbeat', () => {
  it('pings its clients and keeps one that answers', async () => {
    const { client, serverSide } = await hubWithClient(30);
    let pings = 0;
    client.on('ping', () => pings++);
    // Three pings mean at least two heartbeats checked the pong of the one before.
    await waitFor(() => (pings >= 3 ? true : undefined), 2000);
    expect(serverSide.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('drops a client that stopped answering', async () => {
    const { client, serverSide } = await hubWithClient(30);
    client.pause();
    await waitFor(() => (serverSide.readyState === WebSocket.CLOSED ? true : undefined), 2000);
    client.terminate();
  });
});
