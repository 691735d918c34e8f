import type { DType } from './types.ts';
import { corrupt, forbiddenGlobal, noStateDict } from './errors.ts';
import { unpickle, type PickleHooks } from './pickle.ts';

/** A storage as the pickle names it: its bytes are the zip entry `<archive>/data/<key>`. */
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

/** The only globals a state dict needs; anything else is refused by name before it is used. */
function findGlobal(path: string, module: string, name: string): unknown {
  const qualified = `${module}.${name}`;
  if (module === 'torch' && name in STORAGE_DTYPES) return new StorageType(STORAGE_DTYPES[name]);
  if (module === 'torch' && TORCH_DTYPE_NAMES.has(name)) return new TorchDType(name);
  switch (qualified) {
    case 'collections.OrderedDict':
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
    case 'torch.Size':
    case '_codecs.encode':
      return new Callable(qualified);
    default:
      throw forbiddenGlobal(path, qualified);
  }
}

function rebuildTensor(path: string, args: unknown[]): TensorRef {
  const [storage, offset, shape, stride] = args;
  const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isSafeInteger(n));
  if (!(storage instanceof StorageReference) || !Number.isSafeInteger(offset) || !isIntList(shape) || !isIntList(stride)) {
    throw corrupt(path, 'a tensor in the pickle has malformed storage, offset, size or stride');
  }
  if (shape.length !== stride.length) throw corrupt(path, 'a tensor in the pickle has sizes and strides of different lengths');
  return { storage: storage.ref, offset: offset as number, shape, stride };
}

function torchHooks(path: string): PickleHooks {
  return {
    findGlobal: (module, name) => findGlobal(path, module, name),
    reduce(callable, args) {
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
        default:
          throw corrupt(path, 'the pickle calls something that is not a function');
      }
    },
    build: (target) => target,
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageType)) {
        throw corrupt(path, `unexpected persistent id in the pickle: ${describe(pid)}`);
      }
      const [, type, key, , numel] = pid;
      return new StorageReference({ dtype: type.dtype, key: String(key), numel: Number(numel) });
    },
  };
}

const describe = (value: unknown) => (Array.isArray(value) ? `(${value.map(String).join(', ')})` : String(value));

const isTensorRef = (value: unknown): value is TensorRef =>
  typeof value === 'object' && value !== null && 'storage' in value && 'stride' in value;

function tensorsOf(value: unknown): Map<string, TensorRef> | undefined {
  if (!(value instanceof Map)) return undefined;
  const tensors = new Map<string, TensorRef>();
  for (const [key, item] of value) if (typeof key === 'string' && isTensorRef(item)) tensors.set(key, item);
  return tensors.size > 0 ? tensors : undefined;
}

/**
 * The tensors of a torch checkpoint's pickle: its `state_dict` when it has one, else the top-level
 * dict itself, else a single nested dict of tensors (e.g. `model`).
 */
export function readStateDict(pickle: Uint8Array, path: string): Map<string, TensorRef> {
  const root = unpickle(pickle, torchHooks(path), path);
  if (root instanceof Map) {
    const candidates = [root.get('state_dict'), root, ...root.values()];
    for (const candidate of candidates) {
      const tensors = tensorsOf(candidate);
      if (tensors) return tensors;
    }
  }
  throw noStateDict(path);
}
