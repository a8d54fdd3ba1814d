// What the extension loads when a window starts: every module extension/extension.ts reaches
// through static ES imports is evaluated before activate() runs (esbuild places them in the bundle
// in order). A module reached only through a require() inside a function is wrapped by esbuild and
// runs when that function first does. This test reads esbuild's own import graph of the bundle
// (its metafile) and checks that ONNX Runtime and the ONNX schema, which took most of the start-up
// time in the extension host (npm run bench -- activation), and the tokenizer and template
// libraries are not among the eager modules.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Loaded only when a command needs them: the native runtime, the protobuf schema of ONNX graphs,
 * the tokenizer library (its byte tables are built when it loads) and the template engine.
 */
const HEAVY = [
  /(^|\/)onnxruntime-node$/,
  /(^|\/)onnxruntime-web$/,
  /node_modules\/onnx-buf\//,
  /node_modules\/@bufbuild\/protobuf\//,
  /node_modules\/@huggingface\/tokenizers\//,
  /node_modules\/@huggingface\/jinja\//,
];

/** Each eagerly loaded module, with the chain of imports that first reaches it from the entry. */
function eagerModules(metafile: esbuild.Metafile, entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || chains.has(imported.path)) continue;
      chains.set(imported.path, [...(chains.get(file) as string[]), imported.path]);
      queue.push(imported.path);
    }
  }
  return chains;
}

describe('extension start-up modules', () => {
  it('ONNX Runtime, the ONNX schema, the tokenizer library and the template engine are not loaded before activate() runs', async () => {
    const result = await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: ['extension/extension.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      outdir: 'out/startup-modules',
      logLevel: 'silent',
      // As esbuild.config.mjs bundles the extension.
      external: ['vscode', 'onnxruntime-node', 'onnxruntime-web', 'tsx/cjs', 'js-tiktoken/ranks/*'],
      alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
    });
    const eager = eagerModules(result.metafile, 'extension/extension.ts');
    assert.ok(eager.size > 50, `only ${eager.size} modules reached from extension.ts: the graph was not read`);
    assert.ok([...eager.keys()].some((file) => file.endsWith('extension/panels/panelController.ts')), 'the panel kit is not among the eager modules');
    const heavy = [...eager].filter(([file]) => HEAVY.some((pattern) => pattern.test(file)));
    assert.deepEqual(
      heavy.map(([, chain]) => chain.join(' -> ')),
      [],
      'loaded at start-up: import these where the command runs (require() inside the function), not at the top of the module',
    );
  });
});
