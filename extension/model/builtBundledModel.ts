// The one resolver of the bundled model. The VSIX ships models/<name>/ with model.safetensors and
// no ONNX graph (the weights once, not twice); the first command that runs the model builds a
// copy of that folder with onnx/model.onnx into global storage, in a child process
// (engine/modelFolder/graphFolderWorker.ts), with a cancellable notification. Until then, `folder`
// is the shipped folder itself: every engine path reads a GPT-2 from its weights alone, so a panel
// that only reads config.json or model.safetensors never waits for the build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphFolderResult } from '../engine/modelFolder/graphFolder';
import { isCompleteGraphFolder } from '../engine/modelFolder/graphFolderCheck';
import { startChildJob } from '../engine/workers/childJob';
import { log } from '../log';
import { builtModelFolder, builtModelsRoot, bundledModelFolder } from './bundledModel';

export class BuiltBundledModel {
  private building: Promise<string> | undefined;
  private built: { source: string; copy: string } | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly storagePath: string,
    /** dist/graphFolderWorker.js */
    private readonly builderScript: string,
  ) {}

  /** The shipped folder (config.json and model.safetensors), or undefined when none ships. */
  get source(): string | undefined {
    return bundledModelFolder(this.extensionPath);
  }

  /** Where the built copy of `source` is, or will be. */
  private copyOf(source: string): string {
    if (this.built?.source !== source) this.built = { source, copy: builtModelFolder(source, this.storagePath, this.builderScript) };
    return this.built.copy;
  }

  /** The bundled model's folder now: the built copy once it exists, else the shipped folder. */
  get folder(): string | undefined {
    const source = this.source;
    if (!source) return undefined;
    const copy = this.copyOf(source);
    return isCompleteGraphFolder(copy) ? copy : source;
  }

  /** Whether `dir` is the bundled model, shipped or built. */
  holds(dir: string | undefined): boolean {
    const source = this.source;
    return dir !== undefined && source !== undefined && (dir === source || dir === this.copyOf(source));
  }

  /** The built copy, built first when it is missing (once, however many callers wait). */
  ready(): Promise<string> {
    const source = this.source;
    if (!source) return Promise.reject(new Error(vscode.l10n.t('No model is bundled under models/.')));
    const copy = this.copyOf(source);
    if (isCompleteGraphFolder(copy)) return Promise.resolve(copy);
    this.building ??= this.build(source, copy).finally(() => (this.building = undefined));
    return this.building;
  }

  private async build(source: string, copy: string): Promise<string> {
    const started = Date.now();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Building the bundled model\'s ONNX graph from its weights…'), cancellable: true },
      (_progress, token) => {
        const job = startChildJob<never, GraphFolderResult>(this.builderScript, { type: 'build', source, target: copy }, 'graph builder');
        token.onCancellationRequested(() => job.cancel());
        return job.finished;
      },
    );
    log().info(`bundled model: ${result.built ? 'built' : 'found'} ${path.join(result.dir, 'onnx', 'model.onnx')} in ${Date.now() - started} ms`);
    void this.removeStaleCopies(copy);
    return result.dir;
  }

  /** Removes the copies built for other weights or another builder: everything under bundled-models/ but this copy's key. */
  private async removeStaleCopies(copy: string): Promise<void> {
    const root = builtModelsRoot(this.storagePath);
    const keep = path.basename(path.dirname(copy));
    const stale = (await fs.promises.readdir(root)).filter((name) => name !== keep);
    for (const name of stale) {
      await fs.promises.rm(path.join(root, name), { recursive: true, force: true }).catch((error: Error) => log().warn(`bundled model: could not remove ${name}: ${error.message}`));
    }
  }
}
