// The engine's command line: `node dist/cli.js <command> [options]` (npm run cli -- ...).
// Each command lives in its own file and is listed here. `--backend webassembly`, before or after
// the command, runs every graph on onnxruntime-web's WebAssembly build (runtime/ortBackend.ts).

import { BACKEND_CHOICES, ORT_BACKEND_ENV } from '../runtime/ortBackend';

export interface CliCommand {
  readonly summary: string;
  run(args: string[]): Promise<void>;
}

const commands: Record<string, () => Promise<CliCommand>> = {
  'build-graph': async () => (require('./buildGraph') as typeof import('./buildGraph')).buildGraphCommand,
  backend: async () => (require('./backend') as typeof import('./backend')).backendCommand,
  'chat-template': async () => (require('./chatTemplate') as typeof import('./chatTemplate')).chatTemplateCommand,
  download: async () => (require('./download') as typeof import('./download')).downloadCommand,
  eval: async () => (require('./eval') as typeof import('./eval')).evalCommand,
  'export-pytorch': async () => (require('./exportPyTorch') as typeof import('./exportPyTorch')).exportPyTorchCommand,
  forgetting: async () => (require('./forgetting') as typeof import('./forgetting')).forgettingCommand,
  generate: async () => (require('./generate') as typeof import('./generate')).generateCommand,
  'instruct-data': async () => (require('./instructData') as typeof import('./instructData')).instructDataCommand,
  'instruct-eval': async () => (require('./instructEval') as typeof import('./instructEval')).instructEvalCommand,
  inspect: async () => (require('./inspect') as typeof import('./inspect')).inspectCommand,
  'make-choice-suite': async () => (require('./makeChoiceSuite') as typeof import('./makeChoiceSuite')).makeChoiceSuiteCommand,
  lora: async () => (require('./lora') as typeof import('./lora')).loraCommand,
  quantize: async () => (require('./quantize') as typeof import('./quantize')).quantizeCommand,
  rag: async () => (require('./rag') as typeof import('./rag')).ragCommand,
  serve: async () => (require('./serve') as typeof import('./serve')).serveCommand,
  sizes: async () => (require('./sizes') as typeof import('./sizes')).sizesCommand,
  surprise: async () => (require('./surprise') as typeof import('./surprise')).surpriseCommand,
  test: async () => (require('./test') as typeof import('./test')).testCommand,
  'scaling-sweep': async () => (require('./scalingSweep') as typeof import('./scalingSweep')).scalingSweepCommand,
  speculative: async () => (require('./speculative') as typeof import('./speculative')).speculativeCommand,
  tokenize: async () => (require('./tokenize') as typeof import('./tokenize')).tokenizeCommand,
  train: async () => (require('./train') as typeof import('./train')).trainCommand,
  'train-base': async () => (require('./trainBase') as typeof import('./trainBase')).trainBaseCommand,
  'train-tokenizer': async () => (require('./trainTokenizer') as typeof import('./trainTokenizer')).trainTokenizerCommand,
};

/** Takes `--backend <choice>` out of the arguments into the environment, which every worker inherits. */
function takeBackendOption(argv: string[]): string[] {
  const at = argv.indexOf('--backend');
  if (at < 0) return argv;
  const choice = argv[at + 1];
  if (!(BACKEND_CHOICES as readonly (string | undefined)[]).includes(choice)) throw new Error(`--backend takes ${BACKEND_CHOICES.join(' or ')}`);
  process.env[ORT_BACKEND_ENV] = choice;
  return [...argv.slice(0, at), ...argv.slice(at + 2)];
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = takeBackendOption(argv);
  const load = name ? commands[name] : undefined;
  if (!load) {
    const list = await Promise.all(Object.entries(commands).map(async ([n, l]) => `  ${n.padEnd(16)} ${(await l()).summary}`));
    console.log(`usage: npm run cli -- <command> [options]\n\ncommands:\n${list.join('\n')}`);
    process.exitCode = name ? 2 : 0;
    return;
  }
  await (await load()).run(args);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
