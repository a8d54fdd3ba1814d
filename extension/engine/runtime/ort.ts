// ONNX Runtime, loaded on first use. Its native library is large, so requiring it when a model is
// opened (not when the extension activates) keeps activation fast. Which runtime loads, the native
// one or its WebAssembly build, is decided once per process (ortBackend.ts).

import * as os from 'node:os';
import type * as OrtModule from 'onnxruntime-node';
import { ModelFolderError } from '../modelFolder/folderError';
import { type BackendReport, backendChoice, type LoadedBackend, loadBackend, type Ort } from './ortBackend';

export type { Ort };
export type OrtSession = OrtModule.InferenceSession;
export type OrtTensor = OrtModule.Tensor;

let loaded: LoadedBackend | undefined;

/** The runtime this process uses, loaded on the first call (the choice comes from ORT_BACKEND_ENV). */
export function loadedBackend(): LoadedBackend {
  loaded ??= loadBackend(backendChoice());
  return loaded;
}

export function loadOrt(): Ort {
  return loadedBackend().ort;
}

/** Which runtime runs this process's sessions, its version, and why it fell back if it did. */
export function backendReport(): BackendReport {
  const { ort, backend, fallbackReason } = loadedBackend();
  const versions = ort.env.versions as { node?: string; web?: string; common: string };
  return { backend, version: versions.node ?? versions.web ?? versions.common, ...(fallbackReason ? { fallbackReason } : {}) };
}

export interface SessionSettings {
  /** Threads one operator may use; defaults to every core. The WebAssembly backend has one count for its whole process (ortBackend.ts). */
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
  // The WebAssembly build has one execution provider, and its thread count is set for the whole
  // module when it starts (ortBackend.ts): it takes neither a per-session count nor `extra` keys.
  if (loadedBackend().backend === 'webassembly') return { executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential', logSeverityLevel: 3 };
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
