// Step 8's scaling sweep in the editor: "Run a Scaling Sweep" opens the panel (the walkthrough's
// button passes `{ sample: true, start: true }`), its serializer brings it back after a reload,
// and closing the window stops a running sweep (its finished runs are already in results.json).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../log';
import { sampleSource } from '../train/dataSource';
import type { TrainingRuns } from '../train/trainingRuns';
import type { SweepSettings } from '../../webviews/scalingSweep/protocol';
import { DEFAULT_SWEEP_SETTINGS, scalingSweepPanels } from './sweepPanel';
import { SweepRuns } from './sweepRuns';

/** What the integration tests read of the sweep. */
export interface ScalingSweepTestApi {
  readonly sweeps: SweepRuns;
}

/** What code (the walkthrough, tests) may pass: sweep the shipped sample, start at once, with these settings. */
interface RunScalingSweepArgument {
  readonly sample?: boolean;
  readonly start?: boolean;
  readonly settings?: SweepSettings;
}

let sweeps: SweepRuns | undefined;

export function registerScalingSweep(context: vscode.ExtensionContext, training: TrainingRuns): ScalingSweepTestApi {
  sweeps = new SweepRuns(context, context.asAbsolutePath(path.join('dist', 'trainWorker.js')));
  const runs = sweeps;
  const panels = scalingSweepPanels({ extensionUri: context.extensionUri, sweeps: runs, training, workspaceState: context.workspaceState });
  context.subscriptions.push(
    runs,
    panels,
    vscode.commands.registerCommand('llmPipeline.runScalingSweep', async (arg?: RunScalingSweepArgument) => {
      try {
        const panel = panels.show();
        if (arg?.sample) await panel.setData(sampleSource(context.extensionUri));
        if (arg?.start && !runs.isRunning) panel.start(arg.settings ?? DEFAULT_SWEEP_SETTINGS);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log().error(`scaling sweep: ${message}`);
        void vscode.window.showErrorMessage(message);
      }
    }),
  );
  return { sweeps: runs };
}

/** Window closing: a running sweep stops after its current step. */
export function stopSweepOnShutdown(): void {
  sweeps?.shutdown();
}
