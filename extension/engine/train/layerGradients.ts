// Gradient norms per layer, from the Σ g² of each parameter that the training graph returns.
// A layer's norm is √(Σ over its parameters of Σ g²), so the layers' squares add up to the global
// ‖g‖² that clipping uses. Watching them over steps shows where learning happens: early on the
// embeddings and the last blocks move most; a layer whose norm explodes is where a run diverges.

/** The part of the GPT a parameter belongs to, by its Hugging Face name (LoRA adapters by their base weight). */
export function layerOf(parameter: string): string {
  const block = /(?:^|\.)(?:h|layers)\.(\d+)\./.exec(parameter);
  if (block) return `block ${block[1]}`;
  if (parameter.includes('ln_f.') || parameter === 'model.norm.weight') return 'final norm';
  return 'embeddings';
}

export interface LayerGrouping {
  /** Layer names, in the order of the forward pass: embeddings, block 0 … block L−1, final norm. */
  readonly layers: readonly string[];
  /** The layer index of each parameter, in the order the squares come in. */
  readonly layerOfParameter: readonly number[];
}

const ORDER = (name: string): number => (name === 'embeddings' ? -1 : name === 'final norm' ? Number.MAX_SAFE_INTEGER : Number(name.slice(6)));

export function groupByLayer(parameters: readonly string[]): LayerGrouping {
  const names = [...new Set(parameters.map(layerOf))].sort((a, b) => ORDER(a) - ORDER(b));
  const index = new Map(names.map((n, i) => [n, i]));
  return { layers: names, layerOfParameter: parameters.map((p) => index.get(layerOf(p)) as number) };
}

/** √(Σ g²) of each layer. */
export function layerNorms(grouping: LayerGrouping, squares: ArrayLike<number>): number[] {
  const sums = new Array<number>(grouping.layers.length).fill(0);
  grouping.layerOfParameter.forEach((layer, i) => {
    sums[layer] += squares[i];
  });
  return sums.map(Math.sqrt);
}
