// `node --import tsx bench/health-under-load.ts`: GET /api/health latency (p50/p99 of 100 requests)
// while the server refuses decompression-bomb uploads, decodes 16.7 MP uploads, runs LoadImage on a
// 4096 x 4096 image and LoadModel on a hostile checkpoint. The target (issue 12) is p99 <= 100 ms.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { silentLogger } from '../runtime/index.ts';
import { createServer } from '../server/index.ts';
import { writeChunks } from '../contract/png-chunks.ts';
import { ZipWriter } from '../models/checkpoint/zip-writer.ts';

const TARGET_P99_MS = 100;

/** A black RGB PNG declaring `side` x `side`: its data is real (a bomb at 8192 is ~195 KB of zlib). */
function blackPng(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const idat = deflateSync(Buffer.alloc((side * 3 + 1) * side), { level: 9 });
  return Buffer.from(writeChunks([{ type: 'IHDR', data: header }, { type: 'IDAT', data: idat }, { type: 'IEND', data: new Uint8Array(0) }]));
}

/** A .ckpt whose pickle is one 1 MiB LONG4 then a 400,000-item list: both once hung or crashed the reader. */
function writeHostileCheckpoint(path: string): void {
  const long = Buffer.alloc(5 + (1 << 20), 0x7f);
  long[0] = 0x8b;
  long.writeUInt32LE(1 << 20, 1);
  const zip = new ZipWriter(path);
  zip.add('archive/data.pkl', [Buffer.concat([Buffer.from([0x80, 0x02, 0x5d, 0x28]), Buffer.alloc(400_000, 0x4e), Buffer.from('e0'), long, Buffer.from('.')])]);
  zip.finish();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latentflow-health-'));
  try {
    writeHostileCheckpoint(join(dataDir, 'hostile.ckpt'));
    const inputs = join(dataDir, 'projects', 'default', 'inputs');
    mkdirSync(inputs, { recursive: true });
    writeFileSync(join(inputs, 'large.png'), blackPng(4096));
    const server = await createServer({ dataDir, port: 0, logger: silentLogger, editorDir: join(dataDir, 'no-editor') });
    const base = (await server.listen()).replace(/\/(\?.*)?$/, '');
    // The load and the probe run in another process: only the server's own event loop is measured.
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const client = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client', base], { stdio: ['ignore', 'inherit', 'inherit'] });
    const status = await new Promise<number | null>((resolve) => client.once('exit', resolve));
    delay.disable();
    process.stdout.write(`server event-loop delay: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms\n`);
    const runList = (await (await fetch(`${base}/api/projects/default/runs`)).json()) as { status: string; error?: { code?: string } }[];
    await server.close();
    process.stdout.write(`runs: ${[...new Set(runList.map((run) => `${run.status}${run.error?.code ? ` (${run.error.code})` : ''}`))].join(', ')}\n`);
    return status ?? 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The client process: load loops, and 100 health probes 30 ms apart. */
async function client(base: string): Promise<number> {
  const api = (path: string, init?: RequestInit) => fetch(`${base}/api${path}`, init);
  const bomb = new Uint8Array(blackPng(8192));
  const large = new Uint8Array(blackPng(4096));
  let stop = false;
  const statuses = new Map<string, number>();
  const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
  const upload = async (body: Uint8Array, label: string) => {
    while (!stop) count(`${label} ${(await api('/projects/default/uploads?name=x', { method: 'POST', body: body as unknown as BodyInit, headers: { 'content-type': 'image/png' } })).status}`);
  };
  const runs = async () => {
    while (!stop) {
      const response = await api('/projects/default/runs', { method: 'POST', body: JSON.stringify({ workflow: LOAD_WORKFLOW }), headers: { 'content-type': 'application/json' } });
      count(`run ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const only = process.env.LOAD;
  const load = [
    only && only !== 'bomb' ? undefined : upload(bomb, 'bomb upload'),
    only && only !== 'large' ? undefined : upload(large, '16.7 MP upload'),
    only && only !== 'runs' ? undefined : runs(),
  ];
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const started = performance.now();
    await (await api('/health')).arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  stop = true;
  await Promise.allSettled(load);
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  process.stdout.write(
    `GET /api/health under load: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms ` +
      `(target p99 <= ${TARGET_P99_MS} ms): ${p99 <= TARGET_P99_MS ? 'ok' : 'MISSED'}\n` +
      `load: ${[...statuses].map(([what, n]) => `${what} x${n}`).join(', ')}; bomb ${bomb.length} bytes\n`,
  );
  return p99 <= TARGET_P99_MS ? 0 : 1;
}

const LOAD_WORKFLOW = {
  version: 1,
  nodes: {
    model: { type: 'LoadModel', inputs: { model: 'hostile' } },
    picture: { type: 'LoadImage', inputs: { image: 'large.png' } },
    latent: { type: 'VAEEncode', inputs: { vae: { from: 'model', output: 'vae' }, image: { from: 'picture', output: 'image' } } },
    decoded: { type: 'VAEDecode', inputs: { vae: { from: 'model', output: 'vae' }, latent: { from: 'latent', output: 'latent' } } },
    out: { type: 'PreviewImage', inputs: { image: { from: 'decoded', output: 'image' } } },
  },
};

const clientAt = process.argv.indexOf('--client');
process.exitCode = clientAt > 0 ? await client(process.argv[clientAt + 1]) : await main();
