// onnxruntime-node, loaded on first use. Its native library is large, so requiring it when a
// model is opened (not when the extension activates) keeps activation fast.

import * as os from 'node:os';
import type * as OrtModule from 'onnxruntime-node';
import { ModelFolderError } from '../modelFolder/folderError';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;
export type OrtTensor = OrtModule.Tensor;

let ort: Ort | undefined;

export function loadOrt(): Ort {
  ort ??= require('onnxruntime-node') as Ort;
  return ort;
}

export interface SessionSettings {
  /** Threads one operator may use; defaults to every core. */
  readonly threads?: number;
}

/**
 * Tuned for latency of one sequence on the CPU: every graph optimisation (operator fusion,
 * constant folding, layout changes), every core inside an operator, operators run in order.
 * Worker threads sleep between operators instead of spinning: a decode step is many tiny
 * operators, and spinning threads take the cores the next operator (and the editor) needs. On
 * the shared 2-core machine this project is developed on, that alone made decoding 2-3× faster.
 */
export function sessionOptions(settings: SessionSettings = {}): OrtModule.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: settings.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    // Errors only: optimiser notices (an unused initializer removed) are not the user's concern.
    logSeverityLevel: 3,
  };
}

/** Opens a graph from a file or from bytes; a load failure names the graph (`shownAs`). */
export async function openSession(source: string | Uint8Array, shownAs: string, settings?: SessionSettings): Promise<OrtSession> {
  const { InferenceSession } = loadOrt();
  try {
    return typeof source === 'string'
      ? await InferenceSession.create(source, sessionOptions(settings))
      : await InferenceSession.create(source, sessionOptions(settings));
  } catch (error) {
    throw new ModelFolderError(shownAs, `ONNX Runtime cannot load it: ${(error as Error).message}`);
  }
}
