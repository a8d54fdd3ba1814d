// What integration tests need to see inside a panel without a browser: every message the host
// posts to a webview, and a way to hand the host a message as if the webview had sent it (it
// goes through the panel's guard like any other). activate() returns these to the tests.
import * as vscode from 'vscode';
import type { Message } from '../../webviews/shared/protocol';

export interface PostedMessage {
  readonly viewType: string;
  readonly message: Message;
}

/** A live panel as the hooks see it: its view type and its receive path. */
export interface HookedPanel {
  readonly viewType: string;
  receive(raw: unknown): Promise<void>;
}

const posted = new vscode.EventEmitter<PostedMessage>();
const live = new Set<HookedPanel>();

export const panelTestHooks = {
  /** Fires for every message a PanelHost posts to its webview. */
  onDidPostToWebview: posted.event,
  /** Delivers `raw` to the open panels of `viewType` as if their webview had sent it; returns how many got it. */
  async sendFromWebview(viewType: string, raw: unknown): Promise<number> {
    const targets = [...live].filter((p) => p.viewType === viewType);
    for (const panel of targets) await panel.receive(raw);
    return targets.length;
  },
};
export type PanelTestHooks = typeof panelTestHooks;

export function notePosted(viewType: string, message: Message): void {
  posted.fire({ viewType, message });
}

export function trackPanel(panel: HookedPanel): vscode.Disposable {
  live.add(panel);
  return new vscode.Disposable(() => live.delete(panel));
}
