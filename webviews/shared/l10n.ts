// Localized strings in the webview. The host translates them with vscode.l10n.t() and hands the
// table over in the boot data, so l10n/bundle.l10n.json stays the one source of translations.

let table: Readonly<Record<string, string>> = {};

export function setStrings(strings: Readonly<Record<string, string>>): void {
  table = strings;
}

/** The string for `key` with {0}, {1}... replaced by `args`; the key itself if it is missing. */
export function t(key: string, ...args: (string | number)[]): string {
  const template = table[key] ?? key;
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const arg = args[Number(i)];
    return arg === undefined ? whole : typeof arg === 'number' ? arg.toLocaleString() : arg;
  });
}
