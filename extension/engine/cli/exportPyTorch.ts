// `export-pytorch`: writes a training run as a plain PyTorch script with its data, settings and
// starting weights (see pytorchExport/exportRun.ts), to run with torchrun.
//   npm run cli -- export-pytorch --run <run folder with run.json> --to <folder>
//   npm run cli -- export-pytorch --data walkthroughs/training-sample/stories.txt --out runs/x --steps 200 --to runs/x-pytorch
import { parseArgs } from 'node:util';
import { exportToPyTorch } from '../pytorchExport/exportRun';
import { readRunRecord } from '../train/runRecord';
import type { CliCommand } from './main';
import { OPTIONS, optionsFromArgs } from './train';

const USAGE = `usage: npm run cli -- export-pytorch (--run <run folder> | <the options of train>) --to <folder>
  --run FOLDER   a run the training panel started (it holds run.json)
  --to FOLDER    where the script, data and starting weights go (replaced only if this program wrote it)
  otherwise the run is described as to \`npm run cli -- train\` (--data, --out, --steps, ...)`;

export const exportPyTorchCommand: CliCommand = {
  summary: 'write a training run as a PyTorch script with a torchrun (DistributedDataParallel) command',
  async run(args) {
    const { values } = parseArgs({ args, options: { ...OPTIONS, run: { type: 'string' }, to: { type: 'string' } } });
    if (values.help || !values.to || (!values.run && !values.data)) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    let options;
    if (values.run) {
      const record = readRunRecord(values.run);
      if (!record) throw new Error(`${values.run}: no run.json of a training run here`);
      options = record.options;
    } else options = await optionsFromArgs(values);
    const exported = await exportToPyTorch(options, values.to);
    if (values.json) console.log(JSON.stringify(exported));
    else console.log(`wrote ${exported.dir} (${exported.totalSteps} steps)\nrun it there with:\n  ${exported.command}`);
  },
};
