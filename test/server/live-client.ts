import WebSocket from 'ws';

export interface Received {
  json: Record<string, unknown>[];
  binary: { header: Record<string, unknown>; payload: Buffer }[];
}

/** A WebSocket client that records every frame, decoding binary frames by the documented layout. */
export async function connect(url: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; received: Received }> {
  const socket = new WebSocket(url, { headers });
  const received: Received = { json: [], binary: [] };
  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      received.json.push(JSON.parse(data.toString()));
      return;
    }
    if (data.toString('latin1', 0, 4) !== 'LFB1') throw new Error('binary frame without LFB1 magic');
    const length = data.readUInt32LE(4);
    received.binary.push({ header: JSON.parse(data.toString('utf8', 8, 8 + length)), payload: data.subarray(8 + length) });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received };
}

/** Opens a socket expecting the upgrade to be refused; resolves to the HTTP status. */
export function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => {});
  });
}

/** Sends a subscription and resolves when the server has answered it (subscribed or error). */
export function subscribe(client: { socket: WebSocket; received: Received }, subscription: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to subscribe')), 5000);
    const onMessage = (data: Buffer, isBinary: boolean) => {
      const type = isBinary ? undefined : (JSON.parse(data.toString()) as { type?: string }).type;
      if (type !== 'subscribed' && type !== 'error') return;
      clearTimeout(timer);
      client.socket.off('message', onMessage);
      resolve();
    };
    client.socket.on('message', onMessage);
    client.socket.send(JSON.stringify({ type: 'subscribe', ...subscription }));
  });
}
