// The `llmPipeline.runtime.backend` setting: which ONNX Runtime the extension's processes run
// models on (engine/runtime/ortBackend.ts). The choice travels in an environment variable set in
// this host, which every process and worker started after it inherits; a change restarts the
// inference process, so that the next part it opens runs on the new backend (training runs and
// evaluations started afterwards get it as they start). The inference process says which backend
// it runs: the log names it, and a fallback from the native library is shown once, with its reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BackendChoice, BACKEND_CHOICES, type BackendReport, ORT_BACKEND_ENV } from '../engine/runtime/ortBackend';
import { log } from '../log';

const SETTING = 'llmPipeline.runtime.backend';

/** The fallback message is shown once per window. */
let fallbackShown = false;
const reported = new vscode.EventEmitter<BackendReport>();

/** What activate() returns for the integration tests. */
export interface RuntimeBackendTestApi {
  /** Fires when a new inference process says which backend it runs. */
  readonly onDidReportBackend: vscode.Event<BackendReport>;
  /** Where the extension's log channel writes its file. */
  readonly logFolder: string;
}

function configuredChoice(): BackendChoice {
  const value = vscode.workspace.getConfiguration().get<string>(SETTING, 'auto');
  return (BACKEND_CHOICES as readonly string[]).includes(value) ? (value as BackendChoice) : 'auto';
}

/**
 * Puts the setting into the environment that processes started from now on inherit. Asked for
 * in an installation without onnxruntime-web (a platform VSIX), it says so at once: a model would
 * otherwise fail only when opened.
 */
function applyChoice(extensionDir: string, changed: boolean): BackendChoice {
  const choice = configuredChoice();
  process.env[ORT_BACKEND_ENV] = choice;
  // The default goes unlogged: the inference process names the backend it runs when it starts.
  if (choice !== 'auto' || changed) log().info(`ONNX Runtime backend asked for: ${choice}`);
  if (choice === 'webassembly' && !fs.existsSync(path.join(extensionDir, 'node_modules', 'onnxruntime-web', 'package.json'))) {
    const message = vscode.l10n.t(
      'The WebAssembly backend of ONNX Runtime is not in this installation: platform-specific VSIX files carry only the native library. Set "{0}" to "auto", or install the universal VSIX.',
      SETTING,
    );
    log().warn(message);
    void vscode.window.showWarningMessage(message);
  }
  return choice;
}

/** "native (onnxruntime-node 1.30.0)" or "WebAssembly (onnxruntime-web 1.31.0)", for the log. */
export function backendName(report: BackendReport): string {
  return report.backend === 'native' ? `native (onnxruntime-node ${report.version})` : `WebAssembly (onnxruntime-web ${report.version})`;
}

/** Logs which backend a new inference process runs on, and says once when it had to fall back. */
export function reportBackend(report: BackendReport): void {
  log().info(`ONNX Runtime backend of the inference process: ${backendName(report)}`);
  reported.fire(report);
  if (!report.fallbackReason) return;
  log().warn(`ONNX Runtime fell back to WebAssembly: ${report.fallbackReason}`);
  if (fallbackShown) return;
  fallbackShown = true;
  void vscode.window.showInformationMessage(
    vscode.l10n.t('ONNX Runtime\'s native library cannot load here, so models run on its WebAssembly build (the same results, slower). Reason: {0}', report.fallbackReason),
  );
}

/** Applies the setting now and on every change; `restartInference` ends the inference process so the next part opens on the new backend. */
export function registerRuntimeBackend(context: vscode.ExtensionContext, restartInference: (why: string) => void): RuntimeBackendTestApi {
  applyChoice(context.extensionUri.fsPath, false);
  context.subscriptions.push(
    reported,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTING)) return;
      const choice = applyChoice(context.extensionUri.fsPath, true);
      restartInference(`the inference process was restarted: the ONNX Runtime backend is now "${choice}"`);
    }),
  );
  return { onDidReportBackend: reported.event, logFolder: context.logUri.fsPath };
}
