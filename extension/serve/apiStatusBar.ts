// While the API server runs, the status bar shows its port and how many requests it answered; a
// click offers the server's actions (copy the URL or the token, stop).
import * as vscode from 'vscode';

export class ApiStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('llmPipeline.apiServer', vscode.StatusBarAlignment.Left, 49);

  constructor() {
    this.item.name = vscode.l10n.t('LLM Pipeline: API Server');
    this.item.command = 'llmPipeline.apiServerActions';
  }

  show(port: number, model: string, requests: number): void {
    this.item.text = vscode.l10n.t('$(broadcast) API :{0} · {1} requests', port, requests);
    this.item.tooltip = vscode.l10n.t('OpenAI-compatible API for {0} at http://127.0.0.1:{1}/v1. Click for the URL, the token, or to stop it.', model, port);
    this.item.accessibilityInformation = { label: vscode.l10n.t('API server on port {0}, {1} requests answered', port, requests) };
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  /** What the item shows now ('' while hidden), for the tests. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
