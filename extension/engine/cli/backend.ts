// `backend [--json]`: which ONNX Runtime this machine runs graphs on, and why. `auto` (the
// default) runs the native library and falls back to WebAssembly when it cannot load; add
// `--backend webassembly` to ask for the WebAssembly build.
//   npm run cli -- backend
//   npm run cli -- backend --backend webassembly --json
import { parseArgs } from 'node:util';
import { backendReport } from '../runtime/ort';
import { backendChoice } from '../runtime/ortBackend';
import type { CliCommand } from './main';

export const backendCommand: CliCommand = {
  summary: 'which ONNX Runtime backend runs the graphs (native or WebAssembly), its version, and why',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const choice = backendChoice();
    const report = backendReport();
    if (values.json) {
      console.log(JSON.stringify({ choice, ...report }));
      return;
    }
    const name = report.backend === 'native' ? 'native (onnxruntime-node)' : 'WebAssembly (onnxruntime-web)';
    console.log(`backend  ${name} ${report.version}, asked for: ${choice}`);
    if (report.fallbackReason) console.log(`fallback ${report.fallbackReason}`);
  },
};
