// Messages between the extension host and the LoRA worker process (loraWorker.ts): merge an
// adapter into a new model folder, or continue a prompt with base and adapted weights (the A/B).

import type { AdapterComparison } from './compareAdapted';

export type LoraRequest =
  | { readonly type: 'merge'; readonly model: string; readonly adapter: string; readonly out: string }
  | { readonly type: 'compare'; readonly model: string; readonly adapter: string; readonly prompt: string; readonly seed: number; readonly maxTokens: number; readonly temperature: number };

/** What the panel and the CLI say about an adapter: "0.9% of 1.35 M", its size on disk. */
export interface AdapterFacts {
  readonly rank: number;
  readonly alpha: number;
  readonly targetModules: readonly string[];
  readonly matrices: number;
  readonly trainable: number;
  readonly total: number;
  readonly adapterBytes: number;
}

export type LoraResult = AdapterFacts & { readonly comparison?: AdapterComparison };

export function isLoraRequest(value: unknown): value is LoraRequest {
  const m = value as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || typeof m.model !== 'string' || typeof m.adapter !== 'string') return false;
  if (m.type === 'merge') return typeof m.out === 'string';
  return m.type === 'compare' && typeof m.prompt === 'string' && typeof m.seed === 'number' && typeof m.maxTokens === 'number' && typeof m.temperature === 'number';
}
