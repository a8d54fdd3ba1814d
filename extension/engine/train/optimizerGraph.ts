// The optimizer update as ONNX nodes, appended to the training graph after the gradients, so
// one session run does forward, backward and update with no gradient ever leaving the runtime.
//
// Global-norm clipping (Pascanu et al. 2013): ‖g‖ = √(Σ over all parameters of Σ g²);
//   every gradient is scaled by c = min(1, max_norm / (‖g‖ + 1e-6)), so the step keeps its
//   direction but not an exploding length.
//
// AdamW (Loshchilov & Hutter 2019), step t ≥ 1, decay λ only for matrices (not biases, LayerNorm
// gains or, unless asked, embeddings):
//   m ← β₁ m + (1 − β₁) g             v ← β₂ v + (1 − β₂) g²
//   m̂ = m / (1 − β₁ᵗ)                 v̂ = v / (1 − β₂ᵗ)         (bias correction: m, v start at 0)
//   θ ← θ − lr · (m̂ / (√v̂ + ε) + λ θ)                           (decay decoupled from the gradient)
// SGD with momentum μ (PyTorch's form, weight decay as L2 added to the gradient):
//   g ← g + λ θ,   b ← μ b + g,   θ ← θ − lr · b

import { attr, type GraphBuilder } from '../onnx';

export interface AdamWSettings {
  readonly kind: 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

export interface SgdSettings {
  readonly kind: 'sgd';
  readonly momentum: number;
  readonly weightDecay: number;
}

export type OptimizerSettings = AdamWSettings | SgdSettings;

/** Names of the optimizer's state tensors for one parameter: AdamW has m and v, SGD one momentum buffer. */
export function stateNames(settings: OptimizerSettings, parameter: string): string[] {
  return settings.kind === 'adamw' ? [`${parameter}.adam_m`, `${parameter}.adam_v`] : [`${parameter}.momentum`];
}

/** Scalars fed each step: the learning rate, and for AdamW the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ. */
export const STEP_INPUTS = { learningRate: 'learning_rate', correction1: 'adam_correction1', correction2: 'adam_correction2', maxGradNorm: 'max_grad_norm' } as const;

export function stepScalars(settings: OptimizerSettings, learningRate: number, step: number, maxGradNorm: number): Record<string, number> {
  const t = step + 1;
  const scalars: Record<string, number> = { [STEP_INPUTS.learningRate]: learningRate, [STEP_INPUTS.maxGradNorm]: maxGradNorm };
  if (settings.kind === 'adamw') {
    scalars[STEP_INPUTS.correction1] = 1 - settings.beta1 ** t;
    scalars[STEP_INPUTS.correction2] = 1 - settings.beta2 ** t;
  }
  return scalars;
}

export interface UpdatedParameter {
  readonly parameter: string;
  /** The parameter after the step. */
  readonly next: string;
  /** The state tensors after the step, in the order of stateNames(). */
  readonly nextState: string[];
}

export interface OptimizerGraph {
  /** ‖g‖ before clipping, float32 []. */
  readonly gradNorm: string;
  /** Σ g² of each parameter's gradient before clipping, float32 [P], in the order of `gradients`. */
  readonly gradSquares: string;
  readonly updates: UpdatedParameter[];
}

/**
 * Adds clipping and the update for each (parameter, gradient). The state tensors and the step
 * scalars become graph inputs; `decays(name)` says whether weight decay applies to a parameter.
 */
export function addOptimizerUpdate(
  g: GraphBuilder,
  settings: OptimizerSettings,
  gradients: ReadonlyMap<string, string>,
  dims: (parameter: string) => readonly number[],
  decays: (parameter: string) => boolean,
): OptimizerGraph {
  const c = (v: number) => g.constant(Float32Array.of(v), [], 'optim_const');
  const op = (type: string, inputs: string[]) => g.op(type, inputs, {}, { name: `optim_${type}` });
  const lr = g.input(STEP_INPUTS.learningRate, 'float32', []);
  const maxNorm = g.input(STEP_INPUTS.maxGradNorm, 'float32', []);

  // ‖g‖ = √(Σ Σ g²) and the clip factor c = min(1, max_norm / (‖g‖ + 1e-6)).
  const squares = [...gradients.values()].map((d) => g.op('ReduceSumSquare', [d], { keepdims: attr.int(0) }, { name: 'optim_grad_sq' }));
  const gradNorm = op('Sqrt', [squares.length > 1 ? op('Sum', squares) : squares[0]]);
  // The same sums, one per parameter, as a vector: the panel groups them into per-layer norms.
  const axis0 = g.constant(BigInt64Array.of(0n), [1], 'optim_axis0');
  const gradSquares = g.op('Concat', squares.map((s) => g.op('Unsqueeze', [s, axis0], {}, { name: 'optim_grad_sq_1d' })), { axis: attr.int(0) }, { name: 'optim_grad_sq_all' });
  const clip = op('Min', [c(1), op('Div', [maxNorm, op('Add', [gradNorm, c(1e-6)])])]);

  const correction1 = settings.kind === 'adamw' ? g.input(STEP_INPUTS.correction1, 'float32', []) : '';
  const correction2 = settings.kind === 'adamw' ? g.input(STEP_INPUTS.correction2, 'float32', []) : '';
  for (const name of gradients.keys()) stateNames(settings, name).forEach((s) => g.input(s, 'float32', dims(name)));

  // The update is the same elementwise formula for every parameter, so it runs once over all the
  // parameters that share a weight decay and their trailing dims, stacked along axis 0 (the four
  // blocks' c_fc weights [128, 512] as one [512, 512], every bias and gain as one vector): a dozen
  // nodes per group instead of a dozen per parameter tensor (hundreds of small nodes, each one
  // dispatch). Stacking along axis 0 needs no Reshape, which would copy each graph input once more.
  const updates: UpdatedParameter[] = [];
  const parameters = [...gradients.keys()];
  const groupOf = (p: string) => `${decays(p) ? settings.weightDecay : 0}|${dims(p).slice(1).join(',')}`;
  for (const key of new Set(parameters.map(groupOf))) {
    const group = parameters.filter((p) => groupOf(p) === key);
    const decay = decays(group[0]) ? settings.weightDecay : 0;
    const stack = (values: string[]) => (values.length > 1 ? g.op('Concat', values, { axis: attr.int(0) }, { name: 'optim_stack' }) : values[0]);
    const rows = group.length > 1 ? g.constant(BigInt64Array.from(group, (p) => BigInt(dims(p)[0])), [group.length], 'optim_rows') : '';
    const unstack = (stacked: string): string[] => (rows ? g.node('Split', [stacked, rows], { axis: attr.int(0) }, { name: 'optim_unstack', outputs: group.length }) : [stacked]);

    const theta = stack(group);
    const grad = op('Mul', [stack(group.map((p) => gradients.get(p) as string)), clip]);
    const stateOf = group.map((p) => stateNames(settings, p));
    const state = stateOf[0].map((_, k) => stack(stateOf.map((names) => names[k])));
    let next: string;
    let nextState: string[];
    if (settings.kind === 'adamw') {
      const [m, v] = state;
      const m1 = op('Add', [op('Mul', [m, c(settings.beta1)]), op('Mul', [grad, c(1 - settings.beta1)])]);
      const v1 = op('Add', [op('Mul', [v, c(settings.beta2)]), op('Mul', [op('Mul', [grad, grad]), c(1 - settings.beta2)])]);
      const mHat = op('Div', [m1, correction1]);
      const vHat = op('Div', [v1, correction2]);
      let direction = op('Div', [mHat, op('Add', [op('Sqrt', [vHat]), c(settings.epsilon)])]);
      if (decay > 0) direction = op('Add', [direction, op('Mul', [theta, c(decay)])]);
      next = op('Sub', [theta, op('Mul', [direction, lr])]);
      nextState = [m1, v1];
    } else {
      const [buffer] = state;
      const decayed = decay > 0 ? op('Add', [grad, op('Mul', [theta, c(decay)])]) : grad;
      const b1 = op('Add', [op('Mul', [buffer, c(settings.momentum)]), decayed]);
      next = op('Sub', [theta, op('Mul', [b1, lr])]);
      nextState = [b1];
    }
    const nextByParameter = unstack(next);
    const stateByParameter = nextState.map(unstack);
    group.forEach((parameter, i) => updates.push({ parameter, next: nextByParameter[i], nextState: stateByParameter.map((s) => s[i]) }));
  }
  // In the order of `gradients`, as the outputs were before grouping.
  updates.sort((a, b) => parameters.indexOf(a.parameter) - parameters.indexOf(b.parameter));
  return { gradNorm, gradSquares, updates };
}
