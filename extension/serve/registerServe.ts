// Step 6 (API deployment) in the editor: "Start API Server" serves the active model through the
// OpenAI HTTP API on 127.0.0.1, in a process of its own; "Stop API Server" ends it. Off until
// started. The bearer token is made on the first start and kept in SecretStorage; the status bar
// shows the port and the requests answered, and every request is logged to the output channel.
import * as vscode from 'vscode';
import { DEFAULT_LIMITS } from '../engine/serve/requestFields';
import { log } from '../log';
import { activeModel, NoModelError } from '../model/activeModel';
import { requireTrustedLocation } from '../trust/workspaceTrust';
import { ApiServerProcess, type ServerAddress } from './apiServerProcess';
import { ApiStatusBar } from './apiStatusBar';
import { apiToken } from './apiToken';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

/** What the integration tests read of the server. */
export interface ApiServerTestApi {
  readonly address: ServerAddress | undefined;
  readonly requests: number;
  readonly statusText: string;
  token(): Promise<string>;
}

/** This extension's own server while it runs: "Connect to an OpenAI-Compatible Server" offers it, token included. */
let ownServer: { readonly address: ServerAddress; readonly token: () => Promise<string> } | undefined;

export function runningApiServer(): typeof ownServer {
  return ownServer;
}

interface Running {
  readonly process: ApiServerProcess;
  readonly address: ServerAddress;
  requests: number;
}

export function registerServe(context: vscode.ExtensionContext): ApiServerTestApi {
  const model = activeModel(context);
  const statusBar = new ApiStatusBar();
  let running: Running | undefined;

  const setRunning = (next: Running | undefined) => {
    running = next;
    ownServer = next && { address: next.address, token: () => apiToken(context.secrets) };
    void vscode.commands.executeCommand('setContext', 'llmPipeline.apiServerRunning', next !== undefined);
    if (next) statusBar.show(next.address.port, next.address.model, next.requests);
    else statusBar.hide();
  };

  async function start(arg?: { port?: number }): Promise<ServerAddress | undefined> {
    if (running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The API server is already running at {0}.', running.address.url));
      return running.address;
    }
    const dir = await model.runnableFolder();
    if (!dir) throw new NoModelError();
    if (!model.isBundled) requireTrustedLocation(dir);
    const settings = vscode.workspace.getConfiguration('llmPipeline.api');
    const port = arg?.port ?? settings.get<number>('port', 8000);
    const maxTokens = settings.get<number>('maxTokens', DEFAULT_LIMITS.maxTokens);
    const token = await apiToken(context.secrets);
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the API server on port {0}…', port), cancellable: true },
      (_progress, cancel) => {
        const starting = ApiServerProcess.start(context.asAbsolutePath('dist/serveWorker.js'), { dir, port, token, maxTokens });
        cancel.onCancellationRequested(() => void starting.then(({ process }) => process.dispose(), () => undefined));
        return starting.then((s) => (cancel.isCancellationRequested ? undefined : s));
      },
    );
    if (!started) return undefined;
    const state: Running = { ...started, requests: 0 };
    started.process.onRequest((entry) => {
      state.requests++;
      if (running === state) statusBar.show(state.address.port, state.address.model, state.requests);
      const tokens = entry.completionTokens === undefined ? '' : ` ${entry.promptTokens}+${entry.completionTokens} tokens`;
      const line = `API ${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(0)} ms${tokens}${entry.error ? ` (${entry.error})` : ''}`;
      if (entry.status >= 400 || entry.error) log().warn(line);
      else log().info(line);
    });
    started.process.onExit((why) => {
      if (running !== state) return;
      setRunning(undefined);
      if (why) {
        log().error(`API server: the process ${why}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('The API server stopped: its process {0}.', why));
      }
    });
    setRunning(state);
    log().info(`API server: ${started.address.model} at ${started.address.url} (127.0.0.1 only, bearer token required)`);
    void announce(started.address);
    return started.address;
  }

  async function announce(address: ServerAddress): Promise<void> {
    const copyToken = vscode.l10n.t('Copy Token');
    const copyUrl = vscode.l10n.t('Copy URL');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('OpenAI-compatible API for {0} at {1}. Clients send the token as "Authorization: Bearer …".', address.model, address.url),
      copyToken,
      copyUrl,
    );
    if (choice === copyToken) await copyTokenToClipboard();
    if (choice === copyUrl) await vscode.env.clipboard.writeText(address.url);
  }

  async function copyTokenToClipboard(): Promise<void> {
    await vscode.env.clipboard.writeText(await apiToken(context.secrets));
    void vscode.window.showInformationMessage(vscode.l10n.t('The API token is on the clipboard.'));
  }

  function stop(): void {
    if (!running) return;
    const { process, address } = running;
    setRunning(undefined);
    process.dispose();
    log().info(`API server at ${address.url} stopped`);
  }

  async function actions(): Promise<void> {
    if (!running) return;
    const items = [
      { label: vscode.l10n.t('$(copy) Copy URL'), run: () => vscode.env.clipboard.writeText(running?.address.url ?? '') },
      { label: vscode.l10n.t('$(key) Copy Token'), run: copyTokenToClipboard },
      { label: vscode.l10n.t('$(debug-stop) Stop API Server'), run: async () => stop() },
    ];
    const picked = await vscode.window.showQuickPick(items, { ...PICKER_OPTIONS, title: vscode.l10n.t('API server at {0}', running.address.url) });
    await picked?.run();
  }

  context.subscriptions.push(
    statusBar,
    { dispose: () => running?.process.dispose() },
    vscode.commands.registerCommand('llmPipeline.startApiServer', (arg?: { port?: number }) => guarded(() => start(arg))),
    vscode.commands.registerCommand('llmPipeline.stopApiServer', () => stop()),
    vscode.commands.registerCommand('llmPipeline.copyApiToken', () => guarded(copyTokenToClipboard)),
    vscode.commands.registerCommand('llmPipeline.apiServerActions', () => guarded(actions)),
  );
  return {
    get address() {
      return running?.address;
    },
    get requests() {
      return running?.requests ?? 0;
    },
    get statusText() {
      return running ? statusBar.text : '';
    },
    token: () => apiToken(context.secrets),
  };
}

async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log().error(`API server: ${message}`);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}
