// A small typed builder for ONNX graphs. Values are referred to by their names (strings), as in ONNX.
//
//   const g = new GraphBuilder({ name: 'demo' });               // default domain at opset 20
//   const x = g.input('x', 'float32', ['batch', 4]);            // string dims are symbolic
//   const w = g.initializer('w', new Float32Array(12), [4, 3]);
//   const y = g.op('MatMul', [x, w]);                          // one output, a fresh unique name
//   const [a, b] = g.node('Split', [y], { axis: attr.int(-1), num_outputs: attr.int(2) }, { outputs: 2 });
//   g.output(a, { name: 'left', dtype: 'float32', dims: ['batch', 2] });   // adds Identity when renamed
//   const bytes = g.toBytes();                                 // serialized ModelProto
//
// API (stable): input, initializer, constant, node, op, output, annotate, uniqueName, has,
// valueInfo, toModelProto, toBytes; and, for code that walks the graph (autodiff), the read-only
// lists inputs, outputs, initializers and nodes. Nodes must be added in topological order: an input
// name must already exist when a node uses it. Using a node with a non-default domain (for example
// 'com.microsoft') adds that domain's opset import at version 1 unless useOpset() set another.
import { create, GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, TensorShapeProto_DimensionSchema, TensorShapeProtoSchema, toBinary, TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema, type ModelProto, type ValueInfoProto } from './proto';
import { toAttributeProto, type Attributes } from './attributes';
import { dtypeOfArray, onnxDataType, toTensorProto, type DType, type TensorData, type TypedArray } from './tensorData';

/** A fixed size, or a symbolic name such as 'batch' (ONNX dim_param). */
export type Dim = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  /** Undefined when the rank is unknown. */
  readonly dims?: readonly Dim[];
}

export interface NodeSpec {
  readonly name: string;
  readonly opType: string;
  /** '' is the default ONNX domain. */
  readonly domain: string;
  /** '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Attributes;
}

export interface NodeOptions {
  /** Base for the node name and its output names (default: the op type). */
  readonly name?: string;
  /** How many outputs (named name, or name.0, name.1, ... when several), or their exact names. */
  readonly outputs?: number | readonly string[];
  readonly domain?: string;
}

export interface BuilderOptions {
  readonly name?: string;
  /** Opset of the default domain. 20 has Gelu(approximate) and LayerNormalization. */
  readonly opset?: number;
  readonly producer?: string;
  readonly docString?: string;
}

export const DEFAULT_OPSET = 20;

export class GraphBuilder {
  readonly name: string;
  private readonly docString: string;
  private readonly producer: string;
  private readonly opsets = new Map<string, number>();
  private readonly names = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();
  private readonly infos = new Map<string, ValueInfo>();
  private readonly inputList: ValueInfo[] = [];
  private readonly outputList: ValueInfo[] = [];
  private readonly initializerMap = new Map<string, TensorData>();
  private readonly nodeList: NodeSpec[] = [];

  constructor(options: BuilderOptions = {}) {
    this.name = options.name ?? 'graph';
    this.docString = options.docString ?? '';
    this.producer = options.producer ?? 'llm-pipeline-lab';
    this.opsets.set('', options.opset ?? DEFAULT_OPSET);
  }

  get inputs(): readonly ValueInfo[] { return this.inputList; }
  get outputs(): readonly ValueInfo[] { return this.outputList; }
  get initializers(): ReadonlyMap<string, TensorData> { return this.initializerMap; }
  get nodes(): readonly NodeSpec[] { return this.nodeList; }
  get opset(): number { return this.opsets.get('') ?? DEFAULT_OPSET; }

  /** Sets the opset version imported for a domain ('' is the default domain). */
  useOpset(domain: string, version: number): void {
    this.opsets.set(domain, version);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Type and shape of a graph input, an initializer, or an annotated value. */
  valueInfo(name: string): ValueInfo | undefined {
    return this.infos.get(name);
  }

  /** `hint` if no value has that name yet, else hint_1, hint_2, ... The name is reserved. */
  uniqueName(hint: string): string {
    let name = hint;
    let k = this.nextSuffix.get(hint) ?? 1;
    while (this.names.has(name)) name = `${hint}_${k++}`;
    this.nextSuffix.set(hint, k);
    this.names.add(name);
    return name;
  }

  input(name: string, dtype: DType, dims: readonly Dim[]): string {
    this.claim(name);
    const info = { name, dtype, dims: [...dims] };
    this.inputList.push(info);
    this.infos.set(name, info);
    return name;
  }

  /** A named weight stored in the model. dtype defaults to the array's own (Float32Array: float32). */
  initializer(name: string, data: TypedArray, dims: readonly number[], dtype: DType = dtypeOfArray(data)): string {
    this.claim(name);
    const tensor = { dtype, dims: [...dims], data };
    toTensorProto(name, tensor);
    this.initializerMap.set(name, tensor);
    this.infos.set(name, { name, dtype, dims: tensor.dims });
    return name;
  }

  /** An initializer with a fresh name, for shapes, axes and scalars. */
  constant(data: TypedArray, dims: readonly number[], hint = 'const', dtype: DType = dtypeOfArray(data)): string {
    const name = this.uniqueName(hint);
    this.names.delete(name);
    return this.initializer(name, data, dims, dtype);
  }

  /** Adds a node and returns its output names. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, options: NodeOptions = {}): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.names.has(input)) throw new Error(`${opType}: input "${input}" is not defined yet`);
    }
    const domain = options.domain ?? '';
    if (!this.opsets.has(domain)) this.opsets.set(domain, 1);
    const base = options.name ?? opType;
    const spec = options.outputs ?? 1;
    // A node generated outputs is named like them (its single output, or the stem of name.0, name.1, ...).
    let nodeName = base;
    let outputs: string[];
    if (typeof spec === 'number') {
      nodeName = this.uniqueName(base);
      outputs = spec === 1 ? [nodeName] : Array.from({ length: spec }, (_, k) => this.uniqueName(`${nodeName}.${k}`));
    } else {
      outputs = spec.map((o) => (o === '' ? '' : this.claim(o)));
    }
    // Node names live apart from value names, so explicitly named outputs leave the node its base name.
    for (let k = 1; this.nodeNames.has(nodeName); k++) nodeName = `${base}_node${k}`;
    this.nodeNames.add(nodeName);
    this.nodeList.push({ name: nodeName, opType, domain, inputs: [...inputs], outputs, attributes });
    return outputs;
  }

  /** Adds a node with exactly one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, options: Omit<NodeOptions, 'outputs'> = {}): string {
    return this.node(opType, inputs, attributes, options)[0];
  }

  /**
   * Marks `value` as a graph output. With options.name different from `value`, an Identity node
   * gives it that name. dtype defaults to the value's known type; it must be known one way or the other.
   */
  output(value: string, options: { name?: string; dtype?: DType; dims?: readonly Dim[] } = {}): string {
    if (!this.names.has(value)) throw new Error(`output "${value}" is not defined`);
    const name = options.name ?? value;
    if (name !== value) this.node('Identity', [value], {}, { name, outputs: [name] });
    const known = this.infos.get(value);
    const dtype = options.dtype ?? known?.dtype;
    if (!dtype) throw new Error(`output "${name}": give its dtype`);
    const info = { name, dtype, dims: options.dims ?? known?.dims };
    this.outputList.push(info);
    this.infos.set(name, info);
    return name;
  }

  /** Records the type and shape of an intermediate value (written to the graph's value_info). */
  annotate(name: string, dtype: DType, dims?: readonly Dim[]): void {
    if (!this.names.has(name)) throw new Error(`annotate: "${name}" is not defined`);
    this.infos.set(name, { name, dtype, dims });
  }

  toModelProto(): ModelProto {
    const graphLevel = new Set([...this.inputList, ...this.outputList].map((v) => v.name));
    const graph = create(GraphProtoSchema, {
      name: this.name,
      docString: this.docString,
      input: this.inputList.map(valueInfoProto),
      output: this.outputList.map(valueInfoProto),
      initializer: [...this.initializerMap].map(([name, t]) => toTensorProto(name, t)),
      valueInfo: [...this.infos.values()].filter((v) => !graphLevel.has(v.name) && !this.initializerMap.has(v.name)).map(valueInfoProto),
      node: this.nodeList.map((n) => create(NodeProtoSchema, {
        name: n.name,
        opType: n.opType,
        domain: n.domain,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes).map(([k, a]) => toAttributeProto(k, a)),
      })),
    });
    return create(ModelProtoSchema, {
      irVersion: BigInt(irVersionFor(this.opset)),
      producerName: this.producer,
      opsetImport: [...this.opsets].map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
      graph,
    });
  }

  toBytes(): Uint8Array {
    return toBinary(ModelProtoSchema, this.toModelProto());
  }

  private claim(name: string): string {
    if (!name) throw new Error('value names must not be empty');
    if (this.names.has(name)) throw new Error(`the name "${name}" is already used in graph ${this.name}`);
    this.names.add(name);
    return name;
  }
}

/** The ONNX IR version that goes with an opset of the default domain (onnx/docs/Versioning.md). */
export function irVersionFor(opset: number): number {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  return 9;
}

export function valueInfoProto(v: ValueInfo): ValueInfoProto {
  const shape = v.dims && create(TensorShapeProtoSchema, {
    dim: v.dims.map((d) => create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    })),
  });
  return create(ValueInfoProtoSchema, {
    name: v.name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: onnxDataType(v.dtype), shape }) } }),
  });
}
