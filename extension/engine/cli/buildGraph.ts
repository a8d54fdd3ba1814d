// `build-graph`: a GPT-2 or Llama-family folder that has only its weights, made whole with onnx/model.onnx built
// from them, as the extension does for the bundled model on first use.
//   npm run cli -- build-graph models/tinystories-1m --out /tmp/tinystories-1m --json
import { parseArgs } from 'node:util';
import { buildGraphFolder } from '../modelFolder/graphFolder';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- build-graph <model folder> --out <folder> [--json]
  <model folder>  a GPT-2 folder with config.json and model.safetensors, or a Llama, Mistral or
                  Qwen2 folder with safetensors weights (single or sharded) (read only)
  --out           the folder to create: a copy of the model folder's files plus onnx/model.onnx
                  (left as it is when it is already complete)
  --json          print {"dir", "built"}`;

export const buildGraphCommand: CliCommand = {
  summary: 'copy a GPT-2 or Llama-family folder and build its onnx/model.onnx from its safetensors',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    const [source] = positionals;
    if (!source || !values.out || positionals.length > 1) throw new Error(USAGE);
    const result = buildGraphFolder(source, values.out);
    console.log(values.json ? JSON.stringify(result) : `${result.built ? 'built' : 'already complete'}: ${result.dir}`);
  },
};
