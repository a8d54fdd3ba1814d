// What a model is made of, at a glance: its interface, which operators it uses how often, and how
// many weights it stores.
import type { GraphValue, OnnxModel } from './reader';
import { bytesPerElement, elementCount } from './tensorData';

export interface GraphSummary {
  readonly producer: string;
  readonly opsets: readonly { domain: string; version: number }[];
  readonly inputs: readonly GraphValue[];
  readonly outputs: readonly GraphValue[];
  readonly nodeCount: number;
  /** Operator (domain-qualified unless default) → number of nodes, most used first. */
  readonly operators: readonly { op: string; count: number }[];
  readonly initializerCount: number;
  /** Elements in all initializers: the parameters, plus the graph's constants. */
  readonly weightElements: number;
  readonly weightBytes: number;
}

export function summarizeGraph(model: OnnxModel): GraphSummary {
  const counts = new Map<string, number>();
  for (const node of model.graph.node) {
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  let weightElements = 0;
  let weightBytes = 0;
  for (const init of model.initializers()) {
    const n = elementCount(init.dims);
    weightElements += n;
    weightBytes += init.dtype ? n * bytesPerElement(init.dtype) : 0;
  }
  return {
    producer: [model.proto.producerName, model.proto.producerVersion].filter(Boolean).join(' '),
    opsets: model.opsets(),
    inputs: model.inputs(),
    outputs: model.outputs(),
    nodeCount: model.graph.node.length,
    operators: [...counts].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || a.op.localeCompare(b.op)),
    initializerCount: model.graph.initializer.length,
    weightElements,
    weightBytes,
  };
}
