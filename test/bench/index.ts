// `npm run bench [-- <filter>]`: runs every benchmark whose name contains the filter (all without
// one) and prints its figures. A new benchmark is one more line in BENCHES.

import { machine, type Bench } from './bench';

const BENCHES: ReadonlyArray<() => Bench> = [
  () => (require('./ortMatMul.bench') as typeof import('./ortMatMul.bench')).bench,
  () => (require('./generation.bench') as typeof import('./generation.bench')).bench,
  () => (require('./llama.bench') as typeof import('./llama.bench')).bench,
  () => (require('./inspection.bench') as typeof import('./inspection.bench')).bench,
  () => (require('./attentionPanel.bench') as typeof import('./attentionPanel.bench')).bench,
  () => (require('./train.bench') as typeof import('./train.bench')).bench,
  () => (require('./trainingPanel.bench') as typeof import('./trainingPanel.bench')).bench,
  () => (require('./rag.bench') as typeof import('./rag.bench')).bench,
  () => (require('./ragQuality.bench') as typeof import('./ragQuality.bench')).bench,
  () => (require('./ragLoad.bench') as typeof import('./ragLoad.bench')).bench,
  () => (require('./tokenizer.bench') as typeof import('./tokenizer.bench')).bench,
  () => (require('./surprise.bench') as typeof import('./surprise.bench')).bench,
  () => (require('./serve.bench') as typeof import('./serve.bench')).bench,
  () => (require('./speculative.bench') as typeof import('./speculative.bench')).bench,
  () => (require('./activation.bench') as typeof import('./activation.bench')).bench,
  () => (require('./wasm.bench') as typeof import('./wasm.bench')).bench,
];

async function main(filter: string | undefined): Promise<void> {
  const benches = BENCHES.map((load) => load());
  const chosen = benches.filter((b) => !filter || b.name.includes(filter));
  if (chosen.length === 0) {
    console.log(`no benchmark matches "${filter}"; there are: ${benches.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  console.log(`machine: ${machine()}\n`);
  for (const bench of chosen) {
    console.log(`${bench.name}: ${bench.description}`);
    await bench.run();
    console.log('');
  }
}

main(process.argv[2]).catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
