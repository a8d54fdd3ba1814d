import * as vscode from 'vscode';
import type { Message, MessageGuard, PanelBoot } from '../../webviews/shared/protocol';
import { log } from '../log';
import { notePosted, trackPanel } from './panelTestHooks';
import { webviewHtml } from './webviewHtml';

/** One webview as the host shows it: view type, title, bundled script, the guard for incoming messages (PanelController builds it from a panel's definition). */
export interface PanelSpec<FromWebview extends Message> {
  readonly viewType: string;
  readonly title: string;
  /** Name of the bundle under dist/webviews (the folder name under webviews/). */
  readonly script: string;
  readonly isMessage: MessageGuard<FromWebview>;
  /** Start-up data written into the HTML, read by the app before it first draws: its strings. */
  readonly boot: () => PanelBoot;
}

/**
 * Host side of one webview panel: a typed post(), a validated onMessage(), and the HTML
 * shell. Messages that fail the panel's guard are logged and dropped, never acted on.
 */
export class PanelHost<FromWebview extends Message, ToWebview extends Message> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private handler: ((message: FromWebview) => void | Promise<void>) | undefined;
  private readonly disposeListeners: (() => void)[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly spec: PanelSpec<FromWebview>,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
    };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, spec.script, spec.title, spec.boot());
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // One listener that runs the controller's listeners first: disposing listeners while the
      // event fires could skip the ones not yet called.
      panel.onDidDispose(() => {
        for (const listener of this.disposeListeners) listener();
        this.dispose();
      }),
      trackPanel({ viewType: spec.viewType, receive: (raw) => this.receive(raw) }),
    );
  }

  /** Opens a new panel beside the active editor. */
  static open<F extends Message, T extends Message>(
    spec: PanelSpec<F>,
    extensionUri: vscode.Uri,
    column = vscode.ViewColumn.Beside,
  ): PanelHost<F, T> {
    const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, { viewColumn: column, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
    });
    return new PanelHost<F, T>(panel, spec, extensionUri);
  }

  onMessage(handler: (message: FromWebview) => void | Promise<void>): void {
    this.handler = handler;
  }

  post(message: ToWebview): Thenable<boolean> {
    notePosted(this.spec.viewType, message);
    return this.panel.webview.postMessage(message);
  }

  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    if (!this.spec.isMessage(raw)) {
      log().warn(`${this.spec.viewType}: dropped an invalid message from the webview`, JSON.stringify(raw)?.slice(0, 200));
      return;
    }
    try {
      await this.handler?.(raw);
    } catch (error) {
      log().error(`${this.spec.viewType}: ${(error as Error).stack ?? error}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', this.spec.title, (error as Error).message));
    }
  }
}
