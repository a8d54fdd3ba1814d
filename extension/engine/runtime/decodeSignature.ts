// What a decode graph in the Optimum / transformers.js layout wants fed, read from the session's
// input and output metadata, with config.json filling in sizes the graph leaves symbolic.
//   inputs:  input_ids [batch, seq], attention_mask [batch, past+seq] (optional),
//            position_ids [batch, seq] (optional), past_key_values.{i}.key|value [batch, kv_heads, past, head_dim]
//   outputs: logits [batch, seq, vocab], present.{i}.key|value [batch, kv_heads, past+seq, head_dim]
// A graph without past_key_values inputs is still usable: it recomputes the whole sequence.

import type { CausalLMConfig } from '../modelFolder/causalLMConfig';
import { ModelFolderError } from '../modelFolder/folderError';
import type { OrtSession } from './ort';

export type IdType = 'int64' | 'int32';
export type FloatType = 'float32' | 'float16';

export interface PastSlot {
  /** Graph input, e.g. past_key_values.0.key. */
  readonly input: string;
  /** Graph output that becomes this input at the next step, e.g. present.0.key. */
  readonly output: string;
  readonly type: FloatType;
  /** Shape of the empty past fed at the first step: [1, kv_heads, 0, head_dim]. */
  readonly emptyDims: readonly number[];
}

export interface DecodeSignature {
  readonly idType: IdType;
  readonly attentionMask?: IdType;
  readonly positionIds?: IdType;
  readonly past: readonly PastSlot[];
  readonly logitsType: FloatType;
  /** From the logits' last dimension when the graph fixes it, else config.json. */
  readonly vocabSize: number;
}

type Metadata = OrtSession['inputMetadata'][number];

const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIXES = ['present.', 'present_key_values.'];

export function readDecodeSignature(session: OrtSession, config: CausalLMConfig | undefined, shownAs: string): DecodeSignature {
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const outputs = new Map(session.outputMetadata.map((m) => [m.name, m]));
  const fail = (problem: string): never => {
    throw new ModelFolderError(shownAs, problem);
  };

  const idType = (name: string): IdType | undefined => {
    const meta = inputs.get(name);
    if (!meta) return undefined;
    const type = meta.isTensor ? meta.type : undefined;
    if (type !== 'int64' && type !== 'int32') fail(`input ${name} is ${type ?? 'not a tensor'}; expected int64 or int32`);
    return type as IdType;
  };
  const inputIds = idType('input_ids') ?? fail('has no input_ids input; it is not a decode graph in the Optimum layout');

  const past: PastSlot[] = [];
  for (const meta of inputs.values()) {
    if (!meta.name.startsWith(PAST_PREFIX)) continue;
    const rest = meta.name.slice(PAST_PREFIX.length);
    const output = PRESENT_PREFIXES.map((prefix) => prefix + rest).find((name) => outputs.has(name));
    if (!output) fail(`input ${meta.name} has no matching output present.${rest}`);
    past.push({ input: meta.name, output: output as string, type: floatType(meta, shownAs), emptyDims: emptyPastDims(meta, config, shownAs) });
  }
  const known = new Set(['input_ids', 'attention_mask', 'position_ids', ...past.map((p) => p.input)]);
  const unknown = [...inputs.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) fail(`has inputs this runtime cannot feed: ${unknown.join(', ')} (it feeds input_ids, attention_mask, position_ids, past_key_values.*)`);

  const logits = outputs.get('logits') ?? fail('has no logits output');
  const logitsShape = logits.isTensor ? logits.shape : [];
  const lastDim = logitsShape[logitsShape.length - 1];
  const vocabSize = typeof lastDim === 'number' && lastDim > 0 ? lastDim : config?.vocabSize;
  if (vocabSize === undefined) fail('leaves the vocabulary size symbolic and config.json has no vocab_size');

  return {
    idType: inputIds,
    attentionMask: idType('attention_mask'),
    positionIds: idType('position_ids'),
    past,
    logitsType: floatType(logits, shownAs),
    vocabSize: vocabSize as number,
  };
}

function floatType(meta: Metadata, shownAs: string): FloatType {
  const type = meta.isTensor ? meta.type : undefined;
  if (type !== 'float32' && type !== 'float16') throw new ModelFolderError(shownAs, `${meta.name} is ${type ?? 'not a tensor'}; expected float32 or float16`);
  return type;
}

/**
 * The shape of an empty past. Batch is 1 and the sequence axis 0; the head count and head size
 * come from the graph when it fixes them, else from config.json (num_key_value_heads for
 * grouped-query attention, head_dim or hidden_size / num_attention_heads).
 */
function emptyPastDims(meta: Metadata, config: CausalLMConfig | undefined, shownAs: string): number[] {
  const shape = meta.isTensor ? meta.shape : [];
  const fixed = (axis: number): number | undefined => (typeof shape[axis] === 'number' && (shape[axis] as number) > 0 ? (shape[axis] as number) : undefined);
  if (shape.length === 0 || shape.length === 4) {
    const heads = fixed(1) ?? config?.numKeyValueHeads;
    const headDim = fixed(3) ?? config?.headDim;
    if (heads === undefined) throw new ModelFolderError(shownAs, `${meta.name} leaves its head count symbolic and config.json has no num_key_value_heads or num_attention_heads`);
    if (headDim === undefined) throw new ModelFolderError(shownAs, `${meta.name} leaves its head size symbolic and config.json has no head_dim or hidden_size`);
    return [1, heads, 0, headDim];
  }
  // Other layouts (a fused key_value tensor, for one): fixed sizes stay, batch is 1, the symbolic rest is the past.
  return shape.map((d, axis) => (typeof d === 'number' && d > 0 ? d : axis === 0 ? 1 : 0));
}
