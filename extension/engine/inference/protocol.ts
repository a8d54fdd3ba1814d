// The messages between the extension and its inference process (inferenceWorker.ts), declared
// once for both sides. A model part (an inspector, a decode graph) is opened in the process under
// a handle the host chose; a KV cache stays in the process and is named by a number. A request
// the host no longer wants is named in a `cancel`: the process skips it if it has not started.

import type { InspectionResult } from '../runtime/inspection';
import type { SessionSettings } from '../runtime/ort';
import type { BackendReport } from '../runtime/ortBackend';

/** What the host learns of a part when it opens: the sizes of a model, or an embedder's description. */
export interface PartInfo {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly attentionUnavailable?: string;
  readonly embedder?: { readonly id: string; readonly label: string; readonly caveat: string; readonly dimensions: number; readonly maxTokens: number };
  /** The ONNX Runtime backend the process runs it on. */
  readonly backend: BackendReport;
}

export type PartKind = 'inspector' | 'languageModel' | 'sentenceEmbedder';

export interface CacheInfo {
  readonly id: number;
  readonly length: number;
  readonly bytes: number;
}

export type InferenceRequest =
  | { readonly type: 'open'; readonly id: number; readonly handle: number; readonly part: PartKind; readonly dir: string; readonly settings: SessionSettings }
  | { readonly type: 'embed'; readonly id: number; readonly handle: number; readonly text: string }
  | { readonly type: 'inspect'; readonly id: number; readonly handle: number; readonly tokens: readonly number[] }
  | { readonly type: 'forward'; readonly id: number; readonly handle: number; readonly tokens: readonly number[]; readonly cache?: number; readonly all: boolean }
  | { readonly type: 'dropCache'; readonly handle: number; readonly cache: number }
  | { readonly type: 'release'; readonly id: number; readonly handle: number }
  | { readonly type: 'cancel'; readonly id: number };

export type InferenceReply =
  | { readonly type: 'opened'; readonly id: number; readonly info: PartInfo }
  | { readonly type: 'inspected'; readonly id: number; readonly result: InspectionResult }
  | { readonly type: 'forwarded'; readonly id: number; readonly logits: Float32Array; readonly cache: CacheInfo }
  | { readonly type: 'embedded'; readonly id: number; readonly vector: Float32Array }
  | { readonly type: 'released'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly name: string; readonly message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isTokens = (value: unknown): value is number[] => Array.isArray(value) && value.every((t) => Number.isInteger(t) && t >= 0);

/** Requests arrive as structured clones: checked before the worker acts on them. */
export function isInferenceRequest(value: unknown): value is InferenceRequest {
  if (!isRecord(value)) return false;
  if (value.type === 'cancel') return typeof value.id === 'number';
  if (typeof value.handle !== 'number') return false;
  switch (value.type) {
    case 'open':
      return typeof value.id === 'number' && (value.part === 'inspector' || value.part === 'languageModel' || value.part === 'sentenceEmbedder') && typeof value.dir === 'string' && isRecord(value.settings);
    case 'embed':
      return typeof value.id === 'number' && typeof value.text === 'string';
    case 'inspect':
      return typeof value.id === 'number' && isTokens(value.tokens);
    case 'forward':
      return typeof value.id === 'number' && isTokens(value.tokens) && (value.cache === undefined || typeof value.cache === 'number') && typeof value.all === 'boolean';
    case 'dropCache':
      return typeof value.cache === 'number';
    case 'release':
      return typeof value.id === 'number';
    default:
      return false;
  }
}

export function isInferenceReply(value: unknown): value is InferenceReply {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'opened':
      return isRecord(value.info);
    case 'inspected':
      return isRecord(value.result);
    case 'forwarded':
      return value.logits instanceof Float32Array && isRecord(value.cache);
    case 'embedded':
      return value.vector instanceof Float32Array;
    case 'released':
      return true;
    case 'failed':
      return typeof value.name === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
