// Owns one onnxruntime session. ORT's run() blocks its thread, so it lives here, not on the main thread.
// Plain JavaScript so it starts the same under node, tsx and vitest; session programs written in
// TypeScript are loaded through tsx, registered here on first use.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const { modelPath, backend, executionProviders, intraOpThreads, graphOptimizationLevel, memoryArena, memoryPattern, spinning, programs: preloaded } = workerData;

function info(metadata) {
  return metadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : 'unknown', dims: m.isTensor ? [...m.shape] : [] }));
}

/**
 * An output as plain data. onnxruntime-node hands each output over in an ArrayBuffer of its own, which can be
 * transferred as it is; a view into a larger or shared buffer is copied first.
 */
function plain(tensor) {
  const { data } = tensor;
  const owned = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return { type: tensor.type, data: owned ? data : data.slice(), dims: [...tensor.dims] };
}

/** What crosses back for a failure: the message, and a thrown error's stable code and attribution. */
function describe(error) {
  const described = { message: error?.message ?? String(error), stack: error?.stack };
  for (const key of ['code', 'nodeId', 'nodeType', 'input']) {
    if (typeof error?.[key] === 'string') described[key] = error[key];
  }
  return described;
}

let tsxRegistered;
const programs = new Map();

function loadProgram(url) {
  let program = programs.get(url);
  if (!program) {
    program = (async () => {
      if (url.endsWith('.ts')) {
        tsxRegistered ??= import('tsx/esm/api').then(({ register }) => register());
        await tsxRegistered;
      }
      return (await import(url)).default;
    })();
    programs.set(url, program);
    program.catch(() => programs.delete(url)); // a module that failed to load is tried again next time
  }
  return program;
}

let session;
let settings;
try {
  const options = {
    executionProviders,
    graphOptimizationLevel,
    enableCpuMemArena: memoryArena,
    enableMemPattern: memoryPattern,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
  if (intraOpThreads !== undefined) options.intraOpNumThreads = intraOpThreads;
  // Loaded alongside the model; one that fails is tried again, and reported, by its first run.
  const preloading = Promise.allSettled(preloaded.map(loadProgram));
  session = await ort.InferenceSession.create(modelPath, options);
  await preloading;
  // Read back from what ORT was given, so a setting lost on the way shows.
  settings = {
    intraOpThreads: options.intraOpNumThreads,
    graphOptimizationLevel: options.graphOptimizationLevel,
    memoryArena: options.enableCpuMemArena,
    memoryPattern: options.enableMemPattern,
    spinning: options.extra.session.intra_op.allow_spinning === '1',
  };
  parentPort.postMessage({ type: 'ready', inputs: info(session.inputMetadata), outputs: info(session.outputMetadata), applied: settings });
} catch (error) {
  parentPort.postMessage({ type: 'load_failed', error: describe(error) });
  parentPort.close();
}

/** One ORT run on plain tensors; the outputs own their buffers. */
async function infer(feeds) {
  const tensors = {};
  for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
  const started = performance.now();
  const results = await session.run(tensors);
  const durationMs = performance.now() - started;
  const outputs = {};
  for (const [name, tensor] of Object.entries(results)) {
    outputs[name] = plain(tensor);
    tensor.dispose?.();
  }
  return { outputs, durationMs };
}

const transferOf = (outputs) => Object.values(outputs).map((t) => t.data.buffer);

/**
 * A program's messages less than this apart travel together: every message wakes the caller's thread, and on a
 * busy machine each wake-up can cost this thread its core for milliseconds. A message waits at most this long
 * (or until the ORT run in progress ends), and the last ones go with the result.
 */
const BATCH_MS = 25;

function messenger(id) {
  let held = [];
  let sentAt = -Infinity;
  let timer;
  const take = () => {
    clearTimeout(timer);
    timer = undefined;
    const messages = held;
    held = [];
    return messages;
  };
  const send = () => {
    parentPort.postMessage({ id, messages: take() });
    sentAt = performance.now();
  };
  return {
    post(message) {
      held.push(message);
      const since = performance.now() - sentAt;
      if (since >= BATCH_MS) send();
      else timer ??= setTimeout(send, BATCH_MS - since);
    },
    take,
  };
}

/** Programs running now, by request id, with the controller their `signal` comes from. */
const running = new Map();

async function runProgram({ id, url, input }) {
  const controller = new AbortController();
  const inferences = [];
  const messages = messenger(id);
  const done = (async () => {
    try {
      const program = await loadProgram(url);
      // The session as a program sees it: runs without crossing threads, timed like the caller's.
      const local = {
        modelPath,
        backend,
        inputs: info(session.inputMetadata),
        outputs: info(session.outputMetadata),
        settings,
        async run(feeds, options = {}) {
          options.signal?.throwIfAborted();
          const { outputs, durationMs } = await infer(feeds);
          inferences.push(durationMs);
          return outputs;
        },
        // A program started by a program runs right here, under the same signal unless given its own.
        async runProgram(nested, nestedInput, options = {}) {
          const nestedProgram = await loadProgram(nested.href);
          return nestedProgram(nestedInput, { session: local, post: options.onMessage ?? (() => {}), signal: options.signal ?? controller.signal });
        },
      };
      const result = await program(input, { session: local, post: messages.post, signal: controller.signal });
      parentPort.postMessage({ id, messages: messages.take(), result, inferences });
    } catch (error) {
      const held = messages.take();
      // A program aborted by close() is answered by the worker's exit (session_closed).
      if (!closing) parentPort.postMessage({ id, messages: held, error: describe(error), inferences });
    }
  })();
  running.set(id, { controller, done });
  await done;
  running.delete(id);
}

let closing = false;
/** Plain inferences under way: ORT's run() is asynchronous, so a close message can arrive during one. */
const inferring = new Set();

/**
 * Releases the session once what runs is done. Programs check their signal between runs: closing the pool
 * aborts them; a session replaced in its group lets them finish.
 */
async function close(abortPrograms) {
  closing = abortPrograms;
  if (abortPrograms) for (const { controller } of running.values()) controller.abort();
  for (const { done } of running.values()) await done;
  await Promise.allSettled(inferring);
  await session?.release();
  parentPort.close();
}

parentPort.on('message', async (request) => {
  // Terminating a worker while ORT computes aborts the process, so closing is a message handled between runs.
  if (request.type === 'close') return close(request.abortPrograms);
  if (request.type === 'abort') return running.get(request.id)?.controller.abort();
  if (request.type === 'program') return runProgram(request);
  const done = answer(request);
  inferring.add(done);
  await done;
  inferring.delete(done);
});

async function answer(request) {
  try {
    const { outputs, durationMs } = await infer(request.feeds);
    parentPort.postMessage({ id: request.id, outputs, durationMs }, transferOf(outputs));
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: describe(error) });
  }
}
