// Bundles the extension host code (Node, CommonJS) and each webview (browser, ESM).
// usage: node esbuild.config.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliCompressSync, constants } from 'node:zlib';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Node entry points: the extension, worker threads and the engine CLI.
const nodeEntries = {
  extension: 'extension/extension.ts',
  ...(existsSync('extension/engine/cli/main.ts') ? { cli: 'extension/engine/cli/main.ts' } : {}),
  ...(existsSync('extension/engine/train/worker.ts') ? { trainWorker: 'extension/engine/train/worker.ts' } : {}),
  ragWorker: 'extension/engine/rag/indexWorker.ts',
  inferenceWorker: 'extension/engine/inference/inferenceWorker.ts',
  tokenizerWorker: 'extension/engine/tokenizer/tokenizerWorker.ts',
  evalWorker: 'extension/engine/eval/evalWorker.ts',
  serveWorker: 'extension/engine/serve/serveWorker.ts',
  quantizeWorker: 'extension/engine/quantize/labWorker.ts',
  loraWorker: 'extension/engine/lora/loraWorker.ts',
  graphFolderWorker: 'extension/engine/modelFolder/graphFolderWorker.ts',
};

// Every webviews/<name>/main.ts becomes dist/webviews/<name>.js.
const webviewEntries = Object.fromEntries(
  readdirSync('webviews', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`webviews/${d.name}/main.ts`))
    .map((d) => [d.name, `webviews/${d.name}/main.ts`]),
);

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };

// js-tiktoken's rank tables are 4 MB of text (1.9 MB of the VSIX, deflated). They ship beside the
// bundle compressed with brotli instead (dist/ranks/<name>.json.br, 1.5 MB), written once per
// js-tiktoken version, and are read when a built-in tokenizer is asked for.
const brotliTiktokenRanks = {
  name: 'brotli-tiktoken-ranks',
  setup(build) {
    build.onResolve({ filter: /^js-tiktoken\/ranks\/\w+$/ }, (args) => ({ path: args.path.split('/').pop(), namespace: 'tiktoken-ranks' }));
    build.onLoad({ filter: /.*/, namespace: 'tiktoken-ranks' }, async ({ path: name }) => {
      const file = `dist/ranks/${name}.json.br`;
      if (!existsSync(file) || statSync(file).mtimeMs < statSync('node_modules/js-tiktoken/package.json').mtimeMs) {
        const { default: ranks } = await import(`js-tiktoken/ranks/${name}`);
        const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 };
        mkdirSync('dist/ranks', { recursive: true });
        writeFileSync(file, brotliCompressSync(JSON.stringify(ranks), { params }));
      }
      const contents = `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
export default JSON.parse(brotliDecompressSync(readFileSync(join(__dirname, 'ranks', ${JSON.stringify(`${name}.json.br`)}))).toString('utf8'));`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

// `import * as vscode from 'vscode'` in a CommonJS bundle gives each importing module its own copy
// of the API object's 200 properties (esbuild's interop helper __toESM): some 80 copies before
// activate() could run, the largest part of the start-up. The same holds for node:fs (100
// properties, imported by some 60 modules), node:path and node:os. Each of these comes through one
// ES module instead, which reads each name once; every module shares it. The names are those
// @types/vscode declares, and those the build's Node gives the built-in module (less fs's
// deprecated X_OK constants, which warn when read on newer Node).
const SHARED_MODULES = /^(vscode|node:fs|node:path|node:os)$/;
const sharedModuleNames = (name) =>
  name === 'vscode'
    ? [...readFileSync('node_modules/@types/vscode/index.d.ts', 'utf8').matchAll(/^\texport (?:namespace|class|enum|function|const|let|var) (\w+)/gm)].map((m) => m[1])
    : Object.keys(createRequire(import.meta.url)(name)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default' && !/^[FRWX]_OK$/.test(key));
const sharedModules = {
  name: 'shared-modules',
  setup(build) {
    build.onResolve({ filter: SHARED_MODULES }, (args) =>
      args.namespace === 'shared-module' ? { path: args.path, external: true } : { path: args.path, namespace: 'shared-module' },
    );
    build.onLoad({ filter: /.*/, namespace: 'shared-module' }, ({ path: name }) => {
      const names = new Set(sharedModuleNames(name));
      const contents = `const api = require(${JSON.stringify(name)});\n${[...names].map((key) => `export const ${key} = api.${key};`).join('\n')}\n`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // vscode is provided by the host; onnxruntime-node carries native binaries and ships in node_modules,
    // as onnxruntime-web does in the universal VSIX (its .wasm is found beside its entry file).
    // tsx/cjs is only looked up when the engine runs from source (workers/workerScript.ts), never bundled.
    external: ['vscode', 'onnxruntime-node', 'onnxruntime-web', 'tsx/cjs'],
    // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow; its ESM build bundles.
    alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
    plugins: [brotliTiktokenRanks, sharedModules],
  },
  {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webviews',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

// The PyTorch training script that "Export Training Run to PyTorch" writes is read beside the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync('extension/engine/pytorchExport/train_gpt2.py', 'dist/train_gpt2.py');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
