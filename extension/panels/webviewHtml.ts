import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { BOOT_ELEMENT_ID, type PanelBoot } from '../../webviews/shared/protocol';

/**
 * The HTML shell of every panel: a strict CSP that allows only this extension's own
 * script (by nonce) and styles, no remote content, then the bundled Lit app. `boot` (the
 * strings) goes into a JSON element the app reads before its first render.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  script: string,
  title: string,
  boot: PanelBoot,
): string {
  const nonce = randomBytes(16).toString('base64');
  const src = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${script}.js`));
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    // Lit's adoptedStyleSheets need no inline styles; vscode-elements sets style attributes.
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
<script type="application/json" id="${BOOT_ELEMENT_ID}">${jsonForHtml(boot)}</script>
<script type="module" nonce="${nonce}" src="${src}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the <script> element it sits in: every '<' is written as \u003c. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
