// Node attributes with their ONNX type spelled out. A JavaScript number cannot say whether it is an
// int or a float (epsilon 1 and axis 1 look the same), so every attribute carries its kind:
//   attr.int(-1), attr.float(1e-5), attr.string('tanh'), attr.ints([0, 2, 1, 3]), ...
import { AttributeProtoSchema, AttributeType, create, type AttributeProto, type GraphProto } from './proto';
import { fromTensorProto, toTensorProto, type TensorData } from './tensorData';

export type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: TensorData }
  | { readonly kind: 'graph'; readonly value: GraphProto };

/** What the reader returns for attribute types the engine does not decode (sparse tensors, type protos, lists of graphs). */
export interface UndecodedAttribute {
  readonly kind: 'undecoded';
  readonly type: string;
}

export type Attributes = Readonly<Record<string, Attribute>>;

export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): Attribute => ({ kind: 'strings', value }),
  tensor: (value: TensorData): Attribute => ({ kind: 'tensor', value }),
  graph: (value: GraphProto): Attribute => ({ kind: 'graph', value }),
};

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function toAttributeProto(name: string, a: Attribute): AttributeProto {
  const base = { name };
  switch (a.kind) {
    case 'int': return create(AttributeProtoSchema, { ...base, type: AttributeType.INT, i: BigInt(a.value) });
    case 'float': return create(AttributeProtoSchema, { ...base, type: AttributeType.FLOAT, f: a.value });
    case 'string': return create(AttributeProtoSchema, { ...base, type: AttributeType.STRING, s: utf8.encode(a.value) });
    case 'ints': return create(AttributeProtoSchema, { ...base, type: AttributeType.INTS, ints: a.value.map((v) => BigInt(v)) });
    case 'floats': return create(AttributeProtoSchema, { ...base, type: AttributeType.FLOATS, floats: [...a.value] });
    case 'strings': return create(AttributeProtoSchema, { ...base, type: AttributeType.STRINGS, strings: a.value.map((v) => utf8.encode(v)) });
    case 'tensor': return create(AttributeProtoSchema, { ...base, type: AttributeType.TENSOR, t: toTensorProto('', a.value) });
    case 'graph': return create(AttributeProtoSchema, { ...base, type: AttributeType.GRAPH, g: a.value });
  }
}

export function fromAttributeProto(p: AttributeProto): Attribute | UndecodedAttribute {
  switch (p.type) {
    case AttributeType.INT: return attr.int(Number(p.i));
    case AttributeType.FLOAT: return attr.float(p.f);
    case AttributeType.STRING: return attr.string(utf8Decoder.decode(p.s));
    case AttributeType.INTS: return attr.ints(p.ints.map((v) => Number(v)));
    case AttributeType.FLOATS: return attr.floats([...p.floats]);
    case AttributeType.STRINGS: return attr.strings(p.strings.map((v) => utf8Decoder.decode(v)));
    case AttributeType.TENSOR: if (p.t) return attr.tensor(fromTensorProto(p.t)); break;
    case AttributeType.GRAPH: if (p.g) return attr.graph(p.g); break;
  }
  return { kind: 'undecoded', type: AttributeType[p.type] ?? String(p.type) };
}
