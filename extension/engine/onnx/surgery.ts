// Graph surgery on a loaded model: turn intermediate values into extra graph outputs, so that one
// run returns them too. This is how the attention inspector reads a foreign model: in an exported
// transformer the attention probabilities are the outputs of its Softmax nodes.
import { clone, create } from '@bufbuild/protobuf';
import { ModelProtoSchema, ValueInfoProtoSchema } from './proto';
import { OnnxModel } from './reader';

/**
 * A copy of `model` whose graph also outputs `names` (values produced by nodes). Types come from the
 * graph's value_info when recorded; otherwise the output is left untyped and onnxruntime infers it.
 */
export function withExtraOutputs(model: OnnxModel, names: readonly string[]): OnnxModel {
  const proto = clone(ModelProtoSchema, model.proto);
  const graph = proto.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const produced = new Set(graph.node.flatMap((n) => n.output));
  const present = new Set(graph.output.map((o) => o.name));
  const recorded = new Map(graph.valueInfo.map((v) => [v.name, v]));
  for (const name of names) {
    if (!produced.has(name)) throw new Error(`no node of the graph produces a value named ${name}`);
    if (present.has(name)) continue;
    graph.output.push(recorded.get(name) ?? create(ValueInfoProtoSchema, { name }));
    present.add(name);
  }
  return OnnxModel.fromProto(proto, model.source);
}

/** Attention ops that compute softmax(QKᵀ)V in one kernel, so the probabilities never exist as a value. */
export const FUSED_ATTENTION_OPS: readonly string[] = [
  'com.microsoft.Attention',
  'com.microsoft.MultiHeadAttention',
  'com.microsoft.GroupQueryAttention',
  'com.microsoft.PackedAttention',
  'com.microsoft.PackedMultiHeadAttention',
  'com.microsoft.DecoderMaskedMultiHeadAttention',
  'com.microsoft.DecoderMaskedSelfAttention',
  'com.microsoft.SparseAttention',
  'com.microsoft.QAttention',
  'com.microsoft.LongformerAttention',
  'com.microsoft.PagedAttention',
  'ai.onnx.Attention',
];

export type ExposedAttention =
  | { readonly found: true; readonly model: OnnxModel; readonly outputs: readonly string[] }
  | { readonly found: false; readonly reason: string };

/**
 * Adds the output of every Softmax node, in graph order, as a graph output. When there is none,
 * says why in a sentence for the user (most often: attention was fused into one kernel).
 */
export function exposeAttentionProbabilities(model: OnnxModel): ExposedAttention {
  const nodes = model.nodes();
  const softmaxes = nodes.filter((n) => n.opType === 'Softmax' && (n.domain === '' || n.domain === 'ai.onnx'));
  if (softmaxes.length > 0) {
    const outputs = softmaxes.map((n) => n.outputs[0]);
    return { found: true, model: withExtraOutputs(model, outputs), outputs };
  }
  const fused = new Map<string, number>();
  for (const n of nodes) {
    const qualified = `${n.domain || 'ai.onnx'}.${n.opType}`;
    if (FUSED_ATTENTION_OPS.includes(qualified)) fused.set(qualified, (fused.get(qualified) ?? 0) + 1);
  }
  if (fused.size > 0) {
    const list = [...fused].map(([op, count]) => `${count} ${op}`).join(', ');
    return { found: false, reason: `This model computes attention inside fused operators (${list}), which never produce the attention probabilities as a separate value.` };
  }
  return { found: false, reason: 'This model has no Softmax node and no known attention operator, so no attention probabilities can be read from it.' };
}
