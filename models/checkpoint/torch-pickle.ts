import type { DType } from './types.ts';
import { corrupt, forbiddenGlobal, isModelFileError, noStateDict, unsupported } from './errors.ts';
import { PickleNeedsMoreBytes, unpickleAt, type PickleHooks, type Unpickled } from './pickle.ts';
import { INERT_CLASSES, InertClass, InertObject, isInertNumpyDType } from './inert-objects.ts';

/** A storage as the pickle names it: its bytes are the zip entry `<archive>/data/<key>` (or a legacy file's record `key`). */
export interface StorageRef {
  dtype: DType;
  key: string;
  numel: number;
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage. */
export interface TensorRef {
  storage: StorageRef;
  /** In elements. */
  offset: number;
  shape: number[];
  stride: number[];
}

const STORAGE_DTYPES: Record<string, DType> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** torch dtypes may appear as plain data (e.g. in metadata); they never construct anything. */
const TORCH_DTYPE_NAMES = new Set(['float64', 'float32', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);

class StorageType {
  constructor(readonly dtype: DType) {}
}
class Callable {
  constructor(readonly name: string) {}
}
class TorchDType {
  constructor(readonly name: string) {}
}
class StorageReference {
  constructor(readonly ref: StorageRef) {}
}

/**
 * The only globals a checkpoint needs: what builds tensors, and the classes of the bookkeeping
 * PyTorch Lightning and numpy leave beside them (inert placeholders, see inert-objects.ts).
 * Anything else is refused by name before it is used.
 */
function findGlobal(path: string, module: string, name: string): unknown {
  const qualified = `${module}.${name}`;
  if (module === 'torch' && name in STORAGE_DTYPES) return new StorageType(STORAGE_DTYPES[name]);
  if (module === 'torch' && TORCH_DTYPE_NAMES.has(name)) return new TorchDType(name);
  if (INERT_CLASSES.has(qualified) || isInertNumpyDType(module, name)) return new InertClass(qualified);
  switch (qualified) {
    case 'collections.OrderedDict':
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
    case 'torch.Size':
    case '_codecs.encode':
    case 'builtins.set':
    case '__builtin__.set':
      return new Callable(qualified);
    default:
      throw forbiddenGlobal(path, qualified);
  }
}

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isSafeInteger(n));

function rebuildTensor(path: string, args: unknown[]): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (!(storage instanceof StorageReference) || !Number.isSafeInteger(offset) || !isIntList(shape) || !isIntList(stride)) {
    throw corrupt(path, 'a tensor in the pickle has malformed storage, offset, size or stride');
  }
  if (shape.length !== stride.length) throw corrupt(path, 'a tensor in the pickle has sizes and strides of different lengths');
  if ((offset as number) < 0) throw corrupt(path, `a tensor in the pickle has a negative storage offset (${offset as number})`);
  if (shape.some((n) => n < 0) || stride.some((n) => n < 0)) {
    throw corrupt(path, `a tensor in the pickle has a negative size or stride ([${shape}], [${stride}])`);
  }
  return { storage: storage.ref, offset: offset as number, shape, stride };
}

function storageOf(path: string, pid: unknown): StorageReference {
  // zip format: ('storage', type, key, location, numel); legacy adds view_metadata, None for whole storages.
  if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageType) || pid.length < 5 || pid.length > 6) {
    throw corrupt(path, `unexpected persistent id in the pickle: ${describe(pid)}`);
  }
  const [, type, key, , numel, view] = pid;
  if (view !== undefined && view !== null) throw unsupported(path, 'legacy storage views (a tensor saved as a view of part of a storage)');
  if (!Number.isSafeInteger(numel) || (numel as number) < 0) throw corrupt(path, `storage ${String(key)} has an invalid size ${String(numel)}`);
  return new StorageReference({ dtype: type.dtype, key: String(key), numel: numel as number });
}

function torchHooks(path: string, storages?: Map<string, StorageRef>): PickleHooks {
  return {
    findGlobal: (module, name) => findGlobal(path, module, name),
    reduce(callable, args) {
      if (callable instanceof InertClass) return new InertObject(callable.name, args);
      const name = callable instanceof Callable ? callable.name : undefined;
      switch (name) {
        case 'collections.OrderedDict':
          return new Map();
        case 'torch._utils._rebuild_tensor':
        case 'torch._utils._rebuild_tensor_v2':
          return rebuildTensor(path, args);
        case 'torch._utils._rebuild_parameter':
        case 'torch._utils._rebuild_parameter_with_state':
          return args[0];
        case 'torch.Size':
          return Array.isArray(args[0]) ? [...args[0]] : [];
        case '_codecs.encode':
          return new Uint8Array([...String(args[0])].map((c) => c.charCodeAt(0) & 0xff));
        case 'builtins.set':
        case '__builtin__.set':
          return Array.isArray(args[0]) ? [...args[0]] : [];
        default:
          throw corrupt(path, 'the pickle calls something that is not a function');
      }
    },
    build(target, state) {
      if (target instanceof InertObject) target.state = state;
      return target;
    },
    persistentLoad(pid) {
      const storage = storageOf(path, pid);
      storages?.set(storage.ref.key, storage.ref);
      return storage;
    },
  };
}

/** Only scalars are spelled out: a hostile nested value must not recurse through String(). */
const describe = (value: unknown) =>
  Array.isArray(value) ? `(${value.map((v) => (typeof v === 'object' && v !== null ? typeof v : String(v))).join(', ')})` : typeof value;

const isTensorRef = (value: unknown): value is TensorRef =>
  typeof value === 'object' && value !== null && 'storage' in value && 'stride' in value;

function tensorsOf(value: unknown): Map<string, TensorRef> | undefined {
  if (!(value instanceof Map)) return undefined;
  const tensors = new Map<string, TensorRef>();
  for (const [key, item] of value) if (typeof key === 'string' && isTensorRef(item)) tensors.set(key, item);
  return tensors.size > 0 ? tensors : undefined;
}

/**
 * Runs the torch pickle at the start of `bytes`, collecting the storages it names into `storages`. Whatever goes wrong inside (a RangeError
 * from a hostile structure included) comes out as a coded ModelFileError naming the file, except
 * PickleNeedsMoreBytes, which a caller reading a window of the file answers by widening it.
 */
export function readTorchPickle(bytes: Uint8Array, path: string, storages?: Map<string, StorageRef>): Unpickled {
  try {
    return unpickleAt(bytes, torchHooks(path, storages), path);
  } catch (error) {
    if (isModelFileError(error) || error instanceof PickleNeedsMoreBytes) throw error;
    throw corrupt(path, `the pickle cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

/**
 * The tensors of a torch checkpoint's pickle: its `state_dict` when it has one, else its `params_ema`
 * (BasicSR's averaged weights, the ones Real-ESRGAN releases are meant to run with, preferred over
 * `params` beside them), else the top-level dict itself, else a single nested dict of tensors (e.g. `model`).
 */
export function stateDictOf(root: unknown, path: string): Map<string, TensorRef> {
  if (root instanceof Map) {
    const candidates = [root.get('state_dict'), root.get('params_ema'), root, ...root.values()];
    for (const candidate of candidates) {
      const tensors = tensorsOf(candidate);
      if (tensors) return tensors;
    }
  }
  throw noStateDict(path);
}

/** The state dict of a zip checkpoint's `data.pkl`. */
export function readStateDict(pickle: Uint8Array, path: string): Map<string, TensorRef> {
  try {
    return stateDictOf(readTorchPickle(pickle, path).value, path);
  } catch (error) {
    if (error instanceof PickleNeedsMoreBytes) throw corrupt(path, error.message);
    throw error;
  }
}
