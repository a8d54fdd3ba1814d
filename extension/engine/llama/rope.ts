// Rotary position embeddings (Su et al. 2021, "RoFormer"), in Hugging Face's rotate_half layout:
// dimension i of a head is paired with dimension i + D/2 (not i + 1), and the pair at position p is
// rotated by the angle p·θ_i with θ_i = rope_theta^(-2i/D):
//
//   rope(x) = x·cos(pθ) + rotate_half(x)·sin(pθ),   rotate_half([x1, x2]) = [-x2, x1]
//
// where cos and sin repeat their D/2 angles twice to cover D dimensions. Only queries and keys are
// rotated, so q·k depends on the two positions' difference alone.
import { attr, type GraphBuilder } from '../onnx';
import type { Llama3RopeScaling, LlamaConfig } from './config';

/** θ_i for i < D/2, with Llama 3.1's scaling applied when the config has it. */
export function inverseFrequencies(config: LlamaConfig): Float32Array {
  const D = config.head_dim;
  const base = Array.from({ length: D / 2 }, (_, i) => 1 / config.rope_theta ** ((2 * i) / D));
  return Float32Array.from(config.rope_scaling ? base.map((f) => llama3Frequency(f, config.rope_scaling as Llama3RopeScaling)) : base);
}

/**
 * Llama 3.1 stretches the context by `factor` for slow rotations only: frequencies whose wavelength
 * (2π/θ) exceeds original_max_position_embeddings / low_freq_factor are divided by factor, those
 * shorter than original_max_position_embeddings / high_freq_factor are kept, and those between
 * blend the two linearly in original / wavelength.
 */
function llama3Frequency(frequency: number, s: Llama3RopeScaling): number {
  const wavelength = (2 * Math.PI) / frequency;
  const lowFrequencyWavelength = s.original_max_position_embeddings / s.low_freq_factor;
  const highFrequencyWavelength = s.original_max_position_embeddings / s.high_freq_factor;
  if (wavelength < highFrequencyWavelength) return frequency;
  if (wavelength > lowFrequencyWavelength) return frequency / s.factor;
  const smooth = (s.original_max_position_embeddings / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
  return (1 - smooth) * (frequency / s.factor) + smooth * frequency;
}

export interface RotaryTables {
  /** cos(p·θ) [B, 1, T, D] or [1, T, D]: broadcasts over heads. */
  readonly cos: string;
  readonly sin: string;
}

/** cos and sin of every position's angles, from position_ids int64 [B, T] or [T]. */
export function emitRotaryTables(g: GraphBuilder, config: LlamaConfig, positionIds: string): RotaryTables {
  const invFreq = g.constant(inverseFrequencies(config), [config.head_dim / 2], 'rope.inv_freq');
  const positions = g.op('Cast', [positionIds], { to: attr.int(1) }, { name: 'rope.positions' });
  const column = g.op('Unsqueeze', [positions, g.constant(BigInt64Array.of(-1n), [1], 'rope.last_axis')], {}, { name: 'rope.position_column' });
  const angles = g.op('Mul', [column, invFreq], {}, { name: 'rope.angles' });                         // [..., T, D/2]
  const repeated = g.op('Concat', [angles, angles], { axis: attr.int(-1) }, { name: 'rope.angles_twice' }); // [..., T, D]
  const headAxis = g.constant(BigInt64Array.of(-3n), [1], 'rope.head_axis');
  const table = (op: 'Cos' | 'Sin') => g.op('Unsqueeze', [g.op(op, [repeated], {}, { name: `rope.${op.toLowerCase()}` }), headAxis], {}, { name: `rope.${op.toLowerCase()}_heads` });
  return { cos: table('Cos'), sin: table('Sin') };
}

/** rope(x) for x [B, heads, T, D]. */
export function emitRotary(g: GraphBuilder, x: string, tables: RotaryTables, half: string, name: string): string {
  const [x1, x2] = g.node('Split', [x, half], { axis: attr.int(-1) }, { name: `${name}.halves`, outputs: 2 });
  const rotated = g.op('Concat', [g.op('Neg', [x2], {}, { name: `${name}.neg` }), x1], { axis: attr.int(-1) }, { name: `${name}.rotate_half` });
  const cosPart = g.op('Mul', [x, tables.cos], {}, { name: `${name}.cos_part` });
  const sinPart = g.op('Mul', [rotated, tables.sin], {}, { name: `${name}.sin_part` });
  return g.op('Add', [cosPart, sinPart], {}, { name });
}
