// Reads an ONNX model: its inputs, outputs, nodes and initializers, with weights back as typed arrays.
//
//   const model = await OnnxModel.load('model/onnx/model.onnx');
//   model.inputs();          // [{ name: 'input_ids', dtype: 'int64', dims: ['batch_size', 'sequence_length'] }, ...]
//   model.nodes();           // [{ name, opType, domain, inputs, outputs, attributes }, ...]
//   model.readInitializer('transformer.wte.weight');   // { dtype: 'float32', dims: [vocab, n_embd], data }
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fromAttributeProto, type Attribute, type UndecodedAttribute } from './attributes';
import type { Dim } from './builder';
import { fromBinary, ModelProtoSchema, toBinary, type GraphProto, type ModelProto, type ValueInfoProto } from './proto';
import { dtypeFromOnnx, fromTensorProto, type DType, type TensorData } from './tensorData';

export interface GraphValue {
  readonly name: string;
  /** undefined when the value is not a tensor or has an element type this engine does not handle. */
  readonly dtype: DType | undefined;
  /** undefined when the shape is not recorded; a symbolic dim is its name, an unnamed one is '?'. */
  readonly dims: readonly Dim[] | undefined;
}

export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, Attribute | UndecodedAttribute>>;
}

export interface InitializerSummary {
  readonly name: string;
  readonly dtype: DType | undefined;
  readonly dims: readonly number[];
}

export class OnnxModel {
  /** `source` names the file in error messages; its folder is where external data is looked for. */
  private constructor(readonly proto: ModelProto, readonly source: string | undefined) {}

  static fromProto(proto: ModelProto, source?: string): OnnxModel {
    if (!proto.graph) throw new Error(`${source ?? 'model'}: the ONNX model has no graph`);
    return new OnnxModel(proto, source);
  }

  static fromBytes(bytes: Uint8Array, source?: string): OnnxModel {
    let proto: ModelProto;
    try {
      proto = fromBinary(ModelProtoSchema, bytes);
    } catch (error) {
      throw new Error(`${source ?? 'model'}: not an ONNX model (${(error as Error).message})`);
    }
    return OnnxModel.fromProto(proto, source);
  }

  static async load(path: string): Promise<OnnxModel> {
    return OnnxModel.fromBytes(await readFile(path), path);
  }

  get graph(): GraphProto {
    return this.proto.graph as GraphProto;
  }

  /** Opset imports, '' being the default ONNX domain. */
  opsets(): { domain: string; version: number }[] {
    return this.proto.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) }));
  }

  /** Graph inputs that are fed at run time (older exporters also list initializers as inputs). */
  inputs(): GraphValue[] {
    const weights = new Set(this.graph.initializer.map((t) => t.name));
    return this.graph.input.filter((v) => !weights.has(v.name)).map(graphValue);
  }

  outputs(): GraphValue[] {
    return this.graph.output.map(graphValue);
  }

  /** Types recorded for intermediate values (value_info), by name. */
  valueInfo(): Map<string, GraphValue> {
    return new Map(this.graph.valueInfo.map((v) => [v.name, graphValue(v)]));
  }

  nodes(): GraphNode[] {
    return this.graph.node.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      inputs: n.input,
      outputs: n.output,
      attributes: Object.fromEntries(n.attribute.map((a) => [a.name, fromAttributeProto(a)])),
    }));
  }

  initializers(): InitializerSummary[] {
    return this.graph.initializer.map((t) => ({ name: t.name, dtype: dtypeFromOnnx(t.dataType), dims: t.dims.map(Number) }));
  }

  readInitializer(name: string): TensorData {
    const tensor = this.graph.initializer.find((t) => t.name === name);
    if (!tensor) throw new Error(`${this.source ?? 'model'}: no initializer named ${name}`);
    return fromTensorProto(tensor, this.source ? dirname(this.source) : undefined);
  }

  toBytes(): Uint8Array {
    return toBinary(ModelProtoSchema, this.proto);
  }
}

function graphValue(v: ValueInfoProto): GraphValue {
  const tensor = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
  return {
    name: v.name,
    dtype: tensor ? dtypeFromOnnx(tensor.elemType) : undefined,
    dims: tensor?.shape?.dim.map((d) => {
      if (d.value.case === 'dimValue') return Number(d.value.value);
      if (d.value.case === 'dimParam') return d.value.value;
      return '?';
    }),
  };
}
