// The messages between the extension and its eval process (evalWorker.ts), declared once for both
// sides: score a text's surprise, or run a suite's tests, each cancellable. Progress comes as
// messages of the same id before the final answer.

import type { TestResult } from './runSuite';
import type { PackedSurprise } from './surpriseColumns';

export type EvalRequest =
  | { readonly type: 'surprise'; readonly id: number; readonly model: string; readonly text: string; readonly window?: number; readonly stride?: number }
  | { readonly type: 'suite'; readonly id: number; readonly model: string; readonly suiteText: string; readonly dir: string; readonly root: string; readonly only?: readonly string[] }
  | { readonly type: 'cancel'; readonly id: number };

export type EvalReply =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'testStarted'; readonly id: number; readonly name: string }
  | { readonly type: 'testResult'; readonly id: number; readonly result: TestResult }
  | { readonly type: 'surprised'; readonly id: number; readonly report: PackedSurprise; readonly modelName: string }
  | { readonly type: 'suiteDone'; readonly id: number; readonly modelName: string; readonly modelHash: string }
  | { readonly type: 'failed'; readonly id: number; readonly name: string; readonly message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const optionalWhole = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) > 0);

/** Requests arrive as structured clones: checked before the worker acts on them. */
export function isEvalRequest(value: unknown): value is EvalRequest {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'surprise':
      return typeof value.model === 'string' && typeof value.text === 'string' && optionalWhole(value.window) && optionalWhole(value.stride);
    case 'suite':
      return typeof value.model === 'string' && typeof value.suiteText === 'string' && typeof value.dir === 'string' && typeof value.root === 'string' && (value.only === undefined || (Array.isArray(value.only) && value.only.every((n) => typeof n === 'string')));
    case 'cancel':
      return true;
    default:
      return false;
  }
}

export function isEvalReply(value: unknown): value is EvalReply {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'progress':
      return typeof value.done === 'number' && typeof value.total === 'number';
    case 'testStarted':
      return typeof value.name === 'string';
    case 'testResult':
      return isRecord(value.result);
    case 'surprised':
      return isRecord(value.report) && value.report.nats instanceof Float64Array && typeof value.modelName === 'string';
    case 'suiteDone':
      return typeof value.modelName === 'string' && typeof value.modelHash === 'string';
    case 'failed':
      return typeof value.name === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
