// Which ONNX Runtime this process runs graphs with. The native one (onnxruntime-node, a compiled
// library per platform) is the fast one; onnxruntime-web's WebAssembly build runs the same graphs
// in plain Node wherever the native library cannot load: a platform it is not built for (macOS on
// Intel, Alpine's musl, 32-bit ARM), or an installation that lacks its binary. The choice is per
// process: tensors made by one runtime cannot be fed to the other's sessions, so every tensor and
// session of a process comes from the one module chosen here. The extension passes the user's
// choice down to every process and worker it starts in the environment variable ORT_BACKEND_ENV
// (children inherit it), so the engine never needs to know about settings.

import * as os from 'node:os';
import * as path from 'node:path';
import type * as OrtModule from 'onnxruntime-node';

export type Ort = typeof OrtModule;

/** What a user may ask for: `auto` runs the native library and falls back to WebAssembly. */
export type BackendChoice = 'auto' | 'webassembly';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webassembly'];

/** The environment variable that carries the choice into every process that opens sessions. */
export const ORT_BACKEND_ENV = 'LLM_PIPELINE_ORT_BACKEND';

export type BackendName = 'native' | 'webassembly';

export interface LoadedBackend {
  readonly ort: Ort;
  readonly backend: BackendName;
  /** Why the native library did not load, when `auto` fell back to WebAssembly. */
  readonly fallbackReason?: string;
}

/** What a process reports of its runtime (the extension logs it, and says so once on a fallback). */
export interface BackendReport {
  readonly backend: BackendName;
  readonly version: string;
  readonly fallbackReason?: string;
}

/** The one WebAssembly build shipped: SIMD with threads (Node has both); not the JSEP/JSPI/asyncify ones. */
export const WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;

export function backendChoice(env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const value = env[ORT_BACKEND_ENV];
  if (value === undefined || value === '') return 'auto';
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`${ORT_BACKEND_ENV}="${value}": not a backend (give ${BACKEND_CHOICES.join(' or ')})`);
}

function loadNative(): Ort {
  return require('onnxruntime-node') as Ort;
}

/**
 * onnxruntime-web in Node: its loader reads the .wasm and .mjs files from disk, from the folder
 * the package was installed in (inside the extension's folder, never the network). The thread
 * count is fixed when the WebAssembly module starts, for every session after it: all cores, as
 * the native sessions use (Node gives it worker threads and shared memory).
 */
function loadWebAssembly(): Ort {
  let entry: string;
  try {
    entry = require.resolve('onnxruntime-web');
  } catch {
    throw new Error('the WebAssembly backend (onnxruntime-web) is not installed here: of the VSIX files, only the universal one (for platforms without a native one) carries it');
  }
  const dir = path.dirname(entry);
  const ort = require(entry) as Ort & { env: { wasm: { wasmPaths?: unknown; numThreads?: number } } };
  ort.env.wasm.wasmPaths = { wasm: path.join(dir, WASM_FILES[0]), mjs: path.join(dir, WASM_FILES[1]) };
  ort.env.wasm.numThreads = os.availableParallelism();
  return ort;
}

function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0];
}

/** Loads the backend `choice` asks for; `auto` tries the native library first. */
export function loadBackend(choice: BackendChoice): LoadedBackend {
  if (choice === 'webassembly') return { ort: loadWebAssembly(), backend: 'webassembly' };
  let nativeError: unknown;
  try {
    return { ort: loadNative(), backend: 'native' };
  } catch (error) {
    nativeError = error;
  }
  const fallbackReason = `onnxruntime-node cannot load on ${process.platform}-${process.arch}: ${firstLine(nativeError)}`;
  try {
    return { ort: loadWebAssembly(), backend: 'webassembly', fallbackReason };
  } catch (error) {
    throw new Error(`${fallbackReason}; and ${firstLine(error)}`);
  }
}
