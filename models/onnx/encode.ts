import { ProtoMessage } from './protobuf.ts';
import { initializerByteLength } from './model.ts';
import type { Attribute, DataType, Initializer, OnnxGraph, OnnxModel, OnnxNode, ValueInfo, TensorValues } from './model.ts';

// Field numbers and enum values of onnx.proto (ModelProto and the messages it contains).
const TENSOR_TYPE: Record<DataType, number> = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10,
};
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, graph: 5, floats: 6, ints: 7 } as const;
const EXTERNAL_DATA_LOCATION = 1;

/** Where an initializer's bytes live: inside model.onnx, or at a range of an external data file. */
export type TensorPlacement =
  | { kind: 'inline' }
  | { kind: 'external'; location: string; offset: number; length: number };

export function encodeModel(model: OnnxModel, placement: (init: Initializer) => TensorPlacement): ProtoMessage {
  const proto = new ProtoMessage().varint(1, model.irVersion).string(2, model.producer);
  proto.message(7, encodeGraph(model.graph, placement));
  for (const [domain, version] of Object.entries(model.opsets)) {
    proto.message(8, new ProtoMessage().string(1, domain).varint(2, version));
  }
  return proto;
}

function encodeGraph(graph: OnnxGraph, placement: (init: Initializer) => TensorPlacement): ProtoMessage {
  const proto = new ProtoMessage();
  for (const node of graph.nodes) proto.message(1, encodeNode(node));
  proto.string(2, graph.name);
  for (const init of graph.initializers) proto.message(5, encodeTensor(init, placement(init)));
  for (const input of graph.inputs) proto.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) proto.message(12, encodeValueInfo(output));
  return proto;
}

function encodeNode(node: OnnxNode): ProtoMessage {
  const proto = new ProtoMessage();
  for (const input of node.inputs) proto.string(1, input);
  for (const output of node.outputs) proto.string(2, output);
  proto.string(3, node.name).string(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) proto.message(5, encodeAttribute(name, attribute));
  if (node.domain) proto.string(7, node.domain);
  return proto;
}

function encodeAttribute(name: string, attribute: Attribute): ProtoMessage {
  const proto = new ProtoMessage().string(1, name);
  switch (attribute.type) {
    case 'float': proto.float(2, attribute.value); break;
    case 'int': proto.varint(3, attribute.value); break;
    case 'string': proto.string(4, attribute.value); break;
    case 'floats': for (const v of attribute.value) proto.float(7, v); break;
    case 'ints': for (const v of attribute.value) proto.varint(8, v); break;
    case 'graph': proto.message(6, encodeGraph(attribute.value, () => ({ kind: 'inline' }))); break;
  }
  return proto.varint(20, ATTRIBUTE_TYPE[attribute.type]);
}

function encodeTensor(init: Initializer, placement: TensorPlacement): ProtoMessage {
  const proto = new ProtoMessage();
  for (const dim of init.dims) proto.varint(1, dim);
  proto.varint(2, TENSOR_TYPE[init.dataType]).string(8, init.name);
  if (placement.kind === 'inline') {
    proto.lazyBytes(9, initializerByteLength(init), () => tensorBytes(init));
    return proto;
  }
  const entry = (key: string, value: string) => new ProtoMessage().string(1, key).string(2, value);
  proto.message(13, entry('location', placement.location));
  proto.message(13, entry('offset', String(placement.offset)));
  proto.message(13, entry('length', String(placement.length)));
  return proto.varint(14, EXTERNAL_DATA_LOCATION);
}

/** The little-endian bytes of an initializer, checked against its declared size. */
export function tensorBytes(init: Initializer): Uint8Array {
  const values: TensorValues = init.data();
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const expected = initializerByteLength(init);
  if (bytes.length !== expected) {
    throw new Error(`initializer ${init.name}: got ${bytes.length} bytes of data, expected ${expected} for ${init.dataType} [${init.dims.join(',')}]`);
  }
  return bytes;
}

function encodeValueInfo(info: ValueInfo): ProtoMessage {
  const tensorType = new ProtoMessage().varint(1, TENSOR_TYPE[info.dataType]);
  if (info.dims) {
    const shape = new ProtoMessage();
    for (const dim of info.dims) {
      const dimension = new ProtoMessage();
      if (typeof dim === 'number') dimension.varint(1, dim);
      else dimension.string(2, dim);
      shape.message(1, dimension);
    }
    tensorType.message(2, shape);
  }
  return new ProtoMessage().string(1, info.name).message(2, new ProtoMessage().message(1, tensorType));
}
