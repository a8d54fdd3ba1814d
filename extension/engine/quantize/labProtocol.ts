// Messages between the quantization lab's host and its worker process (labWorker.ts). The host
// sends one `start`; the worker answers with progress, then exactly one result or error (childJob.ts).

import type { Variant } from './buildVariants';
import type { VariantMeasurement } from './compareVariants';
import type { MatrixError } from './weightErrors';

export interface LabRequest {
  readonly type: 'start';
  /** The model folder to quantize (never written). */
  readonly model: string;
  /** Where the variants are written (a folder this program owns). */
  readonly out: string;
  /** The text measured on. */
  readonly file: string;
  readonly blockSize: number;
  readonly maxTokens?: number;
  /** The variants to measure besides fp32 (default: all). */
  readonly variants?: readonly Variant[];
}

export interface LabResult {
  readonly model: string;
  readonly folder: string;
  readonly file: string;
  readonly blockSize: number;
  readonly window: number;
  readonly scoredTokens: number;
  readonly measurements: readonly VariantMeasurement[];
  readonly matrices: readonly MatrixError[];
  /** The text of tokens[0..shown), one piece per token: flips index into it. */
  readonly pieces: readonly string[];
}

export interface LabProgress {
  readonly stage: 'build' | 'measure';
  readonly done: number;
  readonly total: number;
}

export function isLabRequest(value: unknown): value is LabRequest {
  const m = value as Partial<LabRequest> | null;
  return typeof m === 'object' && m !== null && m.type === 'start' && typeof m.model === 'string' && typeof m.out === 'string'
    && typeof m.file === 'string' && typeof m.blockSize === 'number' && (m.maxTokens === undefined || typeof m.maxTokens === 'number')
    && (m.variants === undefined || (Array.isArray(m.variants) && m.variants.every((v) => typeof v === 'string')));
}
