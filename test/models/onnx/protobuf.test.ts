import { describe, expect, it } from 'vitest';
import { ProtoMessage, encodeVarint } from '../../../models/onnx/protobuf.ts';

/** A minimal protobuf reader for checking what the encoder produced: field -> list of raw values. */
function decode(bytes: Uint8Array): Map<number, (bigint | Uint8Array | number)[]> {
  const fields = new Map<number, (bigint | Uint8Array | number)[]>();
  let offset = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) return result;
    }
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    let value: bigint | Uint8Array | number;
    switch (key & 7) {
      case 0: value = varint(); break;
      case 2: {
        const length = Number(varint());
        value = bytes.subarray(offset, offset + length);
        offset += length;
        break;
      }
      case 5: value = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, true); offset += 4; break;
      default: throw new Error(`unexpected wire type ${key & 7}`);
    }
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

describe('protobuf encoding', () => {
  it('encodes varints as protobuf does, negative int64 in ten bytes', () => {
    expect([...encodeVarint(1)]).toEqual([1]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(2 ** 40)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    expect([...encodeVarint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('round-trips scalar, string, float, nested and lazy fields through a decoder', () => {
    const inner = new ProtoMessage().varint(1, 7).string(2, 'conv');
    const message = new ProtoMessage()
      .varint(1, 10)
      .float(2, 1e-5)
      .string(3, 'héllo')
      .message(4, inner)
      .lazyBytes(5, 3, () => Uint8Array.from([9, 8, 7]))
      .varint(6, -2);
    const bytes = message.toBytes();
    expect(bytes.length).toBe(message.byteLength);

    const fields = decode(bytes);
    expect(fields.get(1)).toEqual([10n]);
    expect(fields.get(2)?.[0]).toBeCloseTo(1e-5, 10);
    expect(new TextDecoder().decode(fields.get(3)?.[0] as Uint8Array)).toBe('héllo');
    const nested = decode(fields.get(4)?.[0] as Uint8Array);
    expect(nested.get(1)).toEqual([7n]);
    expect(new TextDecoder().decode(nested.get(2)?.[0] as Uint8Array)).toBe('conv');
    expect([...(fields.get(5)?.[0] as Uint8Array)]).toEqual([9, 8, 7]);
    expect(BigInt.asIntN(64, fields.get(6)?.[0] as bigint)).toBe(-2n);
  });

  it('sizes a nested message whose length needs a multi-byte varint', () => {
    const big = new ProtoMessage().bytes(1, new Uint8Array(200));
    const outer = new ProtoMessage().message(1, big);
    const fields = decode(outer.toBytes());
    expect((fields.get(1)?.[0] as Uint8Array).length).toBe(big.byteLength);
  });

  it('rejects a lazy field that produces a different length than declared', () => {
    const message = new ProtoMessage().lazyBytes(1, 4, () => new Uint8Array(3));
    expect(() => message.toBytes()).toThrow(/produced 3 bytes, declared 4/);
  });
});
