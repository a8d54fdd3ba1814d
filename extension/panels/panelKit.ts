// What an open panel's controller gives the panel's own code: a typed post() that goes quiet
// once the panel is closed, busy and error lines in the webview, the task queue its model work
// runs on, and VS Code's progress with a Cancel button. One PanelKit per open panel.
import * as vscode from 'vscode';
import type { Busy, KitNotification, Message } from '../../webviews/shared/protocol';
import { log } from '../log';
import { TaskQueue } from './taskQueue';

/** The part of PanelHost the kit uses: the panel, and a typed post to its webview. */
interface PostingHost<N extends Message> {
  readonly panel: vscode.WebviewPanel;
  post(message: N | KitNotification): Thenable<boolean>;
}

export class PanelKit<N extends Message> implements vscode.Disposable {
  /** The panel's model work: one task at a time; a task's failure is logged and shown in the panel. */
  readonly tasks = new TaskQueue((error) => this.showError(error));
  private closed = false;

  constructor(private readonly host: PostingHost<N>) {}

  get panel(): vscode.WebviewPanel {
    return this.host.panel;
  }

  /** Posts to the webview while the panel is open; a task that ends after it closed posts nothing. */
  post(message: N | KitNotification): Thenable<boolean> {
    return this.closed ? Promise.resolve(false) : this.host.post(message);
  }

  /** Shows what the panel is working on (null: nothing). */
  busy(busy: Busy | null): Thenable<boolean> {
    return this.post({ type: 'busy', payload: busy });
  }

  /** Logs the failure with its stack and shows its message in the panel. */
  async showError(error: unknown): Promise<void> {
    const e = error instanceof Error ? error : new Error(String(error));
    log().error(`${this.host.panel.viewType}: ${e.stack ?? e.message}`);
    await this.post({ type: 'error', payload: { message: e.message } });
  }

  /**
   * Runs `work` under VS Code's progress: in the status bar, or, when `cancel` is given, as a
   * notification whose Cancel button calls it. `report(done, total)` moves the notification's bar.
   */
  progress<T>(title: string, work: (report: (done: number, total: number) => void) => Thenable<T>, cancel?: () => void): Thenable<T> {
    const location = cancel ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    return vscode.window.withProgress({ location, title, cancellable: cancel !== undefined }, (progress, token) => {
      const listener = cancel ? token.onCancellationRequested(cancel) : undefined;
      let reported = 0;
      const report = (done: number, total: number) => {
        const percent = total > 0 ? (100 * done) / total : 0;
        progress.report({ increment: percent - reported });
        reported = percent;
      };
      const result = work(report);
      return Promise.resolve(result).finally(() => listener?.dispose());
    });
  }

  dispose(): void {
    this.closed = true;
    this.tasks.dispose();
  }
}
