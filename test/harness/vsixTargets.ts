// The platforms a VSIX is built for: each target that both vsce and onnxruntime-node support, and
// the native files of onnxruntime-node's that target needs (bin/napi-v6/<os>/<arch>/). Each VSIX
// carries its own platform's files only; the marketplace serves each user the one for their machine.
//
// What each binding loads (read from the binaries: `readelf -d`, `objdump -p`, and the delay-import
// table of onnxruntime.dll):
// - linux: onnxruntime_binding.node needs libonnxruntime.so.1 (RUNPATH $ORIGIN).
// - darwin: the binding needs @rpath/libonnxruntime.1.dylib; libonnxruntime.1.30.0.dylib is the
//   same 44 MB file under its versioned name, which nothing loads.
// - win32: the binding imports onnxruntime.dll; DirectML.dll, d3d12.dll and dxgi.dll are
//   delay-loaded by onnxruntime.dll, that is only when a session asks for the DirectML execution
//   provider, and dxcompiler.dll/dxil.dll only by the WebGPU one. The lab runs every session on the
//   CPU provider (engine/runtime/ort.ts), so those 40 MB stay out.
// onnxruntime-node 1.30 ships no darwin/x64 binary, so there is no darwin-x64 VSIX.
//
// The universal VSIX: the marketplace serves a platform-neutral VSIX to every platform that has
// no platform-specific one (macOS on Intel, Alpine's musl, 32-bit ARM, ...). It carries no native
// binary at all, and instead onnxruntime-web's WebAssembly build, which the engine falls back to
// when onnxruntime-node cannot load (engine/runtime/ortBackend.ts). That is the one case where the
// fallback is needed: onnxruntime-node's binding is an N-API module, whose ABI is stable across
// Node and Electron versions, so a platform VSIX never meets an ABI mismatch. The WebAssembly
// files stay out of the platform VSIX files: the .wasm is 14.3 MB (3.7 MB deflated) and the
// linux-x64 VSIX is within 0.2 MB of the 25 MB limit. There, asking for the WebAssembly backend
// (the setting llmPipeline.runtime.backend) is answered with a message saying this VSIX lacks it.
// Only the build the engine loads ships: SIMD with threads, not the JSEP/JSPI/asyncify ones, no
// source maps; onnxruntime-web's own copy of onnxruntime-common (a newer one than onnxruntime-node's) goes with it.

import { WASM_FILES } from '../../extension/engine/runtime/ortBackend';

export interface VsixTarget {
  /** vsce's --target. */
  readonly target: string;
  /** The folder under node_modules/onnxruntime-node/bin/napi-v6/. */
  readonly binaryDir: string;
  /** The files of that folder the VSIX carries. */
  readonly binaryFiles: readonly string[];
}

export const ORT_BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';

/** Packed without vsce's --target: for every platform without a VSIX of its own. */
export const UNIVERSAL_TARGET: VsixTarget = { target: 'universal', binaryDir: '', binaryFiles: [] };

export const WASM_RUNTIME = 'node_modules/onnxruntime-web';
/** The files of onnxruntime-web that the universal VSIX carries: the Node entry, the one WebAssembly build, and the onnxruntime-common the entry requires. */
export const WASM_RUNTIME_FILES: readonly string[] = [
  'package.json',
  'dist/ort.node.min.js',
  ...WASM_FILES.map((file) => `dist/${file}`),
  'node_modules/onnxruntime-common/package.json',
  'node_modules/onnxruntime-common/dist/cjs/package.json',
].map((file) => `${WASM_RUNTIME}/${file}`);
/** onnxruntime-common's CommonJS build, which the universal VSIX carries whole. */
export const WASM_RUNTIME_COMMON_JS = `${WASM_RUNTIME}/node_modules/onnxruntime-common/dist/cjs/`;

export const VSIX_TARGETS: readonly VsixTarget[] = [
  { target: 'linux-x64', binaryDir: 'linux/x64', binaryFiles: ['onnxruntime_binding.node', 'libonnxruntime.so.1'] },
  { target: 'linux-arm64', binaryDir: 'linux/arm64', binaryFiles: ['onnxruntime_binding.node', 'libonnxruntime.so.1'] },
  { target: 'darwin-arm64', binaryDir: 'darwin/arm64', binaryFiles: ['onnxruntime_binding.node', 'libonnxruntime.1.dylib'] },
  { target: 'win32-x64', binaryDir: 'win32/x64', binaryFiles: ['onnxruntime_binding.node', 'onnxruntime.dll'] },
  { target: 'win32-arm64', binaryDir: 'win32/arm64', binaryFiles: ['onnxruntime_binding.node', 'onnxruntime.dll'] },
];

/** The packaged paths of the target's native files. */
export function binaryPaths(target: VsixTarget): string[] {
  return target.binaryFiles.map((file) => `${ORT_BINARIES}/${target.binaryDir}/${file}`);
}

/** What .vscodeignore (which lets no runtime binary through) must let through for the target: its native files, or the WebAssembly runtime. */
export function runtimeIncludes(target: VsixTarget): string[] {
  return target === UNIVERSAL_TARGET ? [...WASM_RUNTIME_FILES, `${WASM_RUNTIME_COMMON_JS}**/*.js`] : binaryPaths(target);
}

/** The target this machine runs (code-server here installs only this one). */
export function hostTarget(): VsixTarget | undefined {
  return VSIX_TARGETS.find((t) => t.target === `${process.platform}-${process.arch}`);
}

/** `--target all`, one target, or several separated by commas; an unknown name is refused with the list. */
export function parseTargets(value: string | undefined): VsixTarget[] {
  if (value === undefined) {
    const host = hostTarget();
    if (!host) throw new Error(`this machine (${process.platform}-${process.arch}) is not one of the targets: ${VSIX_TARGETS.map((t) => t.target).join(', ')}; give --target`);
    return [host];
  }
  if (value === 'all') return [...VSIX_TARGETS, UNIVERSAL_TARGET];
  return value.split(',').map((name) => {
    const target = [...VSIX_TARGETS, UNIVERSAL_TARGET].find((t) => t.target === name);
    if (!target) throw new Error(`--target ${name}: not a target (onnxruntime-node ships binaries for ${VSIX_TARGETS.map((t) => t.target).join(', ')}; "universal" carries its WebAssembly build instead; or give "all")`);
    return target;
  });
}
