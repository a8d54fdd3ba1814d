// Data the host writes into the panel's HTML (see extension/panels/webviewHtml.ts) so the app has
// it before its first render: the localized strings, and anything else a panel needs at start.
// It sits in a <script type="application/json"> element, which the browser never executes.

export const BOOT_ELEMENT_ID = 'webview-boot';

export function readBootData<T>(): T | undefined {
  const text = document.getElementById(BOOT_ELEMENT_ID)?.textContent;
  return text ? (JSON.parse(text) as T) : undefined;
}
