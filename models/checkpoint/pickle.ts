import { corrupt, unsupported } from './errors.ts';

/**
 * How an unpickler gives meaning to the few constructs that could otherwise run code.
 * The machine itself only builds plain data: numbers, strings, bytes, arrays (lists and tuples), Maps.
 */
export interface PickleHooks {
  /** Called for every GLOBAL as soon as it is read; throws for a global that is not allowed. */
  findGlobal(module: string, name: string): unknown;
  /** REDUCE and NEWOBJ: `callable` is what findGlobal returned. */
  reduce(callable: unknown, args: unknown[]): unknown;
  /** BUILD: returns the object that replaces `target` on the stack. */
  build(target: unknown, state: unknown): unknown;
  persistentLoad(pid: unknown): unknown;
}

/**
 * Python ints in a state dict are sizes, offsets and counters; a longer LONG1/LONG4 is hostile
 * (a multi-megabyte integer is what makes a naive decoder quadratic).
 */
export const MAX_LONG_BYTES = 64;

/** A finished pickle: its value and the offset just after its STOP (legacy files hold several in a row). */
export interface Unpickled {
  value: unknown;
  end: number;
}

/** Thrown when the pickle runs past the end of `bytes`, so a caller reading a window can widen it. */
export class PickleNeedsMoreBytes extends Error {}

/**
 * Runs a pickle (protocols 0-5 binary opcodes) over `bytes` from `start` without executing anything.
 * Time and memory are linear in the pickle's length: every opcode does bounded work, marks are
 * kept on their own stack, and nothing recurses.
 */
export function unpickleAt(bytes: Uint8Array, hooks: PickleHooks, path: string, start = 0): Unpickled {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let at = start;

  const take = (n: number) => {
    if (at + n > bytes.length) throw new PickleNeedsMoreBytes(`the pickle ends in the middle of an instruction at byte ${at}`);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const u8 = () => take(1)[0];
  const u16 = () => view.getUint16(take(2).byteOffset - bytes.byteOffset, true);
  const u32 = () => view.getUint32(take(4).byteOffset - bytes.byteOffset, true);
  const i32 = () => view.getInt32(take(4).byteOffset - bytes.byteOffset, true);
  const u64 = () => Number(view.getBigUint64(take(8).byteOffset - bytes.byteOffset, true));
  const f64 = () => view.getFloat64(take(8).byteOffset - bytes.byteOffset, false);
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) throw new PickleNeedsMoreBytes('unterminated text in the pickle');
    const value = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return value;
  };
  const long = (length: number) => {
    if (length > MAX_LONG_BYTES) throw unsupported(path, `a pickled integer of ${length} bytes at byte ${at} (at most ${MAX_LONG_BYTES})`);
    return decodeLong(take(length));
  };
  const pop = () => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw corrupt(path, `pickle stack underflow at byte ${at}`);
    return stack.pop();
  };
  const top = () => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw corrupt(path, `pickle stack underflow at byte ${at}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const markAt = marks.pop();
    if (markAt === undefined) throw corrupt(path, `pickle MARK missing at byte ${at}`);
    return stack.splice(markAt);
  };
  const getMemo = (index: number) => {
    if (!memo.has(index)) throw corrupt(path, `pickle memo ${index} used before it was set`);
    return memo.get(index);
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw corrupt(path, 'pickle SETITEMS on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target)) throw corrupt(path, 'pickle APPEND on something that is not a list');
    for (const item of items) target.push(item);
  };

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: return { value: pop(), end: at }; // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(long(u8())); break; // LONG1
      case 0x8b: stack.push(long(u32())); break; // LONG4
      case 0x47: stack.push(f64()); break; // BINFLOAT (big endian)
      case 0x58: stack.push(text.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(text.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(text.decode(take(u64()))); break; // BINUNICODE8
      case 0x54: stack.push(latin1.decode(take(u32()))); break; // BINSTRING
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const map = new Map();
        setItems(map, popMark());
        stack.push(map);
        break;
      }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x8f: stack.push([]); break; // EMPTY_SET
      case 0x90: { const items = popMark(); append(top(), items); break; } // ADDITEMS
      case 0x91: stack.push(popMark()); break; // FROZENSET
      case 0x61: { const item = pop(); append(top(), [item]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(getMemo(u8())); break; // BINGET
      case 0x6a: stack.push(getMemo(u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); stack.push(hooks.findGlobal(module, line())); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(hooks.findGlobal(String(module), String(name))); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); const callable = pop(); stack.push(hooks.reduce(callable, asArgs(args))); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(hooks.reduce(cls, asArgs(args))); break; } // NEWOBJ
      case 0x62: { const state = pop(); const target = pop(); stack.push(hooks.build(target, state)); break; } // BUILD
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      default:
        throw unsupported(path, `pickle opcode 0x${opcode.toString(16)} at byte ${at - 1}`);
    }
  }

  function asArgs(value: unknown): unknown[] {
    if (!Array.isArray(value)) throw corrupt(path, 'pickle REDUCE arguments are not a tuple');
    return value;
  }
}

/** The value of the one pickle that fills `bytes`. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks, path: string): unknown {
  try {
    return unpickleAt(bytes, hooks, path).value;
  } catch (error) {
    if (error instanceof PickleNeedsMoreBytes) throw corrupt(path, error.message);
    throw error;
  }
}

/** Little-endian two's complement integer of any width (LONG1/LONG4), in one pass. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
