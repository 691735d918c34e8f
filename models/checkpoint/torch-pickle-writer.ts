import type { DType } from './types.ts';

export interface PickledTensor {
  name: string;
  dtype: DType;
  shape: number[];
  /** The storage key: its bytes go into the zip entry `<archive>/data/<key>`. */
  key: string;
}

const STORAGE_CLASS: Record<DType, string> = {
  F64: 'DoubleStorage',
  F32: 'FloatStorage',
  F16: 'HalfStorage',
  BF16: 'BFloat16Storage',
  I64: 'LongStorage',
  I32: 'IntStorage',
  I16: 'ShortStorage',
  I8: 'CharStorage',
  U8: 'ByteStorage',
  BOOL: 'BoolStorage',
};

/** Python's pickler writes SETITEMS in batches of this many pairs. */
const BATCH = 1000;

export interface PickleStateDictOptions {
  /** `{"state_dict": tensors}` (default) or the bare dict of tensors. */
  wrapInStateDict?: boolean;
  /** The key of the wrapping dict instead of `state_dict`, e.g. `string_to_param` for an A1111 embedding. */
  wrapperKey?: string;
  /** Writes more entries of the top-level dict after `state_dict` (e.g. writeLightningExtras). */
  extras?: (p: ProtocolTwoPickler) => void;
  /** Persistent ids as the zip format writes them (default) or as legacy torch.save did (with view metadata). */
  storageIds?: 'zip' | 'legacy';
}

/**
 * The `data.pkl` that `torch.save({"state_dict": OrderedDict(...)})` writes with pickle protocol 2,
 * opcode for opcode (memo puts and gets included), for contiguous tensors each on its own storage.
 */
export function pickleStateDict(tensors: PickledTensor[], options: PickleStateDictOptions = {}): Uint8Array {
  const p = new ProtocolTwoPickler();
  p.op(0x80, 2);
  const legacy = options.storageIds === 'legacy';
  if (options.wrapInStateDict !== false) {
    p.op(0x7d); // EMPTY_DICT
    p.memoize();
    p.string(options.wrapperKey ?? 'state_dict');
    writeOrderedDict(p, tensors, legacy);
    p.op(0x73); // SETITEM
    options.extras?.(p);
  } else {
    writeOrderedDict(p, tensors, legacy);
  }
  p.op(0x2e); // STOP
  return p.bytes();
}

/** An `OrderedDict` of tensors, as pickleStateDict writes it; `extras` use it for a second dict (e.g. `params_ema`). */
export function writeOrderedDict(p: ProtocolTwoPickler, tensors: PickledTensor[], legacy = false): void {
  p.global('collections', 'OrderedDict');
  p.op(0x29, 0x52); // EMPTY_TUPLE REDUCE
  p.memoize();
  for (let start = 0; start < tensors.length; start += BATCH) {
    const batch = tensors.slice(start, start + BATCH);
    if (batch.length > 1) p.op(0x28); // MARK
    for (const tensor of batch) {
      p.string(tensor.name);
      writeTensor(p, tensor, legacy);
    }
    p.op(batch.length > 1 ? 0x75 : 0x73); // SETITEMS or SETITEM
  }
}

function writeTensor(p: ProtocolTwoPickler, tensor: PickledTensor, legacy: boolean): void {
  const numel = tensor.shape.reduce((a, b) => a * b, 1);
  const strides = tensor.shape.map((_, d) => tensor.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  p.global('torch._utils', '_rebuild_tensor_v2');
  p.tuple([
    () => {
      p.tuple([
        () => p.string('storage', true),
        () => p.global('torch', STORAGE_CLASS[tensor.dtype]),
        () => p.string(tensor.key),
        () => p.string('cpu', true),
        () => p.int(numel),
        ...(legacy ? [() => p.op(0x4e)] : []), // view_metadata: None
      ]);
      p.op(0x51); // BINPERSID
    },
    () => p.int(0),
    () => p.tuple(tensor.shape.map((n) => () => p.int(n))),
    () => p.tuple(strides.map((n) => () => p.int(n))),
    () => p.op(0x89), // NEWFALSE: requires_grad
    () => {
      p.global('collections', 'OrderedDict');
      p.op(0x29, 0x52); // backward hooks: OrderedDict()
      p.memoize();
    },
  ]);
  p.op(0x52); // REDUCE
  p.memoize();
}

/** Writes pickle protocol 2 the way CPython's pickler does for the values it is given. */
export class ProtocolTwoPickler {
  private buffer = new Uint8Array(1 << 16);
  private length = 0;
  private nextMemo = 0;
  private readonly memo = new Map<string, number>();

  op(...bytes: number[]): void {
    this.push(Uint8Array.from(bytes));
  }

  memoize(key?: string): void {
    const index = this.nextMemo++;
    if (key !== undefined) this.memo.set(key, index);
    if (index < 256) this.op(0x71, index);
    else this.push(Uint8Array.from([0x72, ...le32(index)]));
  }

  /** `shared` strings are one Python object everywhere (interned), so later uses are memo gets. */
  string(value: string, shared = false): void {
    if (shared && this.get(`s:${value}`)) return;
    const encoded = new TextEncoder().encode(value);
    this.push(Uint8Array.from([0x58, ...le32(encoded.length)]));
    this.push(encoded);
    this.memoize(shared ? `s:${value}` : undefined);
  }

  global(module: string, name: string): void {
    if (this.get(`g:${module}.${name}`)) return;
    this.push(new TextEncoder().encode(`c${module}\n${name}\n`));
    this.memoize(`g:${module}.${name}`);
  }

  /** LONG1, for ints beyond float64's (torch's legacy magic number). */
  bigInt(value: bigint): void {
    this.push(Uint8Array.from([0x8a, ...encodeLong(value)]));
  }

  int(value: number): void {
    if (value >= 0 && value <= 0xff) this.op(0x4b, value);
    else if (value >= 0 && value <= 0xffff) this.op(0x4d, value & 0xff, value >> 8);
    else if (value >= -0x80000000 && value <= 0x7fffffff) this.push(Uint8Array.from([0x4a, ...le32(value)]));
    else this.push(Uint8Array.from([0x8a, ...encodeLong(BigInt(value))]));
  }

  none(): void {
    this.op(0x4e);
  }

  /** BINFLOAT: big-endian float64. */
  float(value: number): void {
    const bytes = new Uint8Array(9);
    bytes[0] = 0x47;
    new DataView(bytes.buffer).setFloat64(1, value, false);
    this.push(bytes);
  }

  /** A dict written as `{}` then one SETITEMS (or SETITEM) of its entries. */
  dict(entries: [() => void, () => void][]): void {
    this.op(0x7d);
    this.memoize();
    if (entries.length === 0) return;
    if (entries.length > 1) this.op(0x28);
    for (const [key, value] of entries) {
      key();
      value();
    }
    this.op(entries.length > 1 ? 0x75 : 0x73);
  }

  /** `callable(*args)`: GLOBAL, the argument tuple, REDUCE. */
  call(module: string, name: string, args: (() => void)[]): void {
    this.global(module, name);
    this.tuple(args);
    this.op(0x52);
    this.memoize();
  }

  tuple(items: (() => void)[]): void {
    if (items.length === 0) {
      this.op(0x29);
      return;
    }
    if (items.length > 3) this.op(0x28);
    for (const item of items) item();
    this.op(items.length > 3 ? 0x74 : 0x84 + items.length);
    this.memoize();
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private get(key: string): boolean {
    const index = this.memo.get(key);
    if (index === undefined) return false;
    if (index < 256) this.op(0x68, index);
    else this.push(Uint8Array.from([0x6a, ...le32(index)]));
    return true;
  }

  private push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Python's encode_long: the shortest little-endian two's complement bytes, prefixed by their count. */
function encodeLong(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  } while (!(rest === 0n && (bytes[bytes.length - 1] & 0x80) === 0) && !(rest === -1n && (bytes[bytes.length - 1] & 0x80) !== 0));
  return [bytes.length, ...bytes];
}
