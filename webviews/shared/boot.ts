// Data the host writes into the panel's HTML (see extension/panels/webviewHtml.ts) so the app has
// it before its first render: the localized strings. It sits in a <script type="application/json">
// element, which the browser never executes.
import { setStrings } from './l10n';
import { BOOT_ELEMENT_ID, type PanelBoot } from './protocol';

function readBootData(): PanelBoot | undefined {
  const text = document.getElementById(BOOT_ELEMENT_ID)?.textContent;
  return text ? (JSON.parse(text) as PanelBoot) : undefined;
}

/** Installs the strings from the boot data, then mounts the panel's app element (registered by then). */
export function mountPanelApp(tagName: string): void {
  setStrings(readBootData()?.strings ?? {});
  document.body.append(document.createElement(tagName));
}
