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

export interface VsixTarget {
  /** vsce's --target. */
  readonly target: string;
  /** The folder under node_modules/onnxruntime-node/bin/napi-v6/. */
  readonly binaryDir: string;
  /** The files of that folder the VSIX carries. */
  readonly binaryFiles: readonly string[];
}

export const ORT_BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';

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
  if (value === 'all') return [...VSIX_TARGETS];
  return value.split(',').map((name) => {
    const target = VSIX_TARGETS.find((t) => t.target === name);
    if (!target) throw new Error(`--target ${name}: not a target (onnxruntime-node ships binaries for ${VSIX_TARGETS.map((t) => t.target).join(', ')}, or give "all")`);
    return target;
  });
}
