// Owns one onnxruntime session. ORT's run() blocks its thread, so it lives here, not on the main thread.
// Plain JavaScript so it starts the same under node, tsx and vitest.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const { modelPath, executionProviders, intraOpThreads, graphOptimizationLevel, memoryArena } = workerData;

function info(metadata) {
  return metadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : 'unknown', dims: m.isTensor ? [...m.shape] : [] }));
}

function plain(tensor) {
  // Copy out of ORT's buffer so the result can be transferred and the ORT value freed.
  const data = tensor.data.slice();
  return { type: tensor.type, data, dims: [...tensor.dims] };
}

function describe(error) {
  return { message: error?.message ?? String(error), stack: error?.stack };
}

let session;
try {
  const options = { executionProviders, graphOptimizationLevel, enableCpuMemArena: memoryArena };
  if (intraOpThreads !== undefined) options.intraOpNumThreads = intraOpThreads;
  session = await ort.InferenceSession.create(modelPath, options);
  // Read back from what ORT was given, so a setting lost on the way shows.
  const applied = { intraOpThreads: options.intraOpNumThreads, graphOptimizationLevel: options.graphOptimizationLevel, memoryArena: options.enableCpuMemArena };
  parentPort.postMessage({ type: 'ready', inputs: info(session.inputMetadata), outputs: info(session.outputMetadata), applied });
} catch (error) {
  parentPort.postMessage({ type: 'load_failed', error: describe(error) });
  parentPort.close();
}

async function close() {
  await session?.release();
  parentPort.close();
}

/** Inferences under way: ORT's run() is asynchronous, so a close message can arrive during one. */
const running = new Set();

parentPort.on('message', async ({ id, type, feeds }) => {
  // Terminating a worker while ORT computes aborts the process, so closing is a message, handled once
  // the inferences asked for before it are done.
  if (type === 'close') {
    await Promise.allSettled(running);
    return close();
  }
  const done = infer(id, feeds);
  running.add(done);
  await done;
  running.delete(done);
});

async function infer(id, feeds) {
  try {
    const tensors = {};
    for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
    const started = performance.now();
    const results = await session.run(tensors);
    const durationMs = performance.now() - started;
    const outputs = {};
    const transfer = [];
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = plain(tensor);
      transfer.push(outputs[name].data.buffer);
      tensor.dispose?.();
    }
    parentPort.postMessage({ id, outputs, durationMs }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: describe(error) });
  }
}
