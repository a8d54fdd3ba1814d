// The text an inspector works on: the primary selection of an editor, where it sits in its
// document (so token ranges map back to the file), and the checks made before tokenizing it:
// the size limit and whether it looks like binary data rather than text.
import * as vscode from 'vscode';
import { clampSelectionBytes, SELECTION_BYTES_RANGE } from './selectionLimit';

export interface SourceText {
  readonly text: string;
  /** Human-readable origin, e.g. "story.txt, lines 3–7"; empty for text typed in the panel. */
  readonly label: string;
  /** The document (at `version`) and the offset of text[0] in it, when the text came from an editor. */
  readonly link?: { readonly uri: vscode.Uri; readonly version: number; readonly offset: number };
  /** UTF-8 size of the whole selection when only its first part is kept. */
  readonly cutFrom?: number;
}

/** The setting that caps what is tokenized at once, in bytes, held to its range whatever settings.json says. */
export function maxSelectionBytes(): number {
  return clampSelectionBytes(vscode.workspace.getConfiguration('llmPipeline.tokenizer').get<unknown>('maxSelectionBytes', SELECTION_BYTES_RANGE.default));
}

/**
 * Text a webview saved in its state and sends back after a reload. The webview's state is not
 * trusted more than a selection: it is cut to the same limit.
 */
export function restoredSource(text: string): SourceText {
  return withinSelectionLimit({ text, label: '' });
}

/** `source` cut to llmPipeline.tokenizer.maxSelectionBytes (its first part) when longer. */
export function withinSelectionLimit(source: SourceText): SourceText {
  const limit = maxSelectionBytes();
  return utf8Length(source.text) > limit ? firstPart(source, limit) : source;
}

/** Editors worth following: real documents, not the Output panel or the debug console. */
export function isTextEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return !!editor && !['output', 'debug', 'vscode-terminal'].includes(editor.document.uri.scheme);
}

/** The primary selection as a SourceText, or undefined when it is empty. */
export function selectionSource(editor: vscode.TextEditor): SourceText | undefined {
  const selection = editor.selection;
  if (selection.isEmpty) return undefined;
  const document = editor.document;
  const name = vscode.workspace.asRelativePath(document.uri, false);
  const first = selection.start.line + 1;
  const last = selection.end.line + (selection.end.character === 0 && selection.end.line > selection.start.line ? 0 : 1);
  return {
    text: document.getText(selection),
    label: first === last ? vscode.l10n.t('{0}, line {1}', name, first) : vscode.l10n.t('{0}, lines {1}–{2}', name, first, last),
    link: { uri: document.uri, version: document.version, offset: document.offsetAt(selection.start) },
  };
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** The source cut to its first `maxBytes` bytes. */
export function firstPart(source: SourceText, maxBytes: number): SourceText {
  return { ...source, text: utf8Prefix(source.text, maxBytes), cutFrom: utf8Length(source.text) };
}

/** "1.4 MB", "812 KB", "95 bytes": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return vscode.l10n.t('{0} MB', (bytes / (1024 * 1024)).toFixed(1));
  if (bytes >= 1024) return vscode.l10n.t('{0} KB', Math.round(bytes / 1024));
  return vscode.l10n.t('{0} bytes', bytes);
}

/**
 * The share of characters in the first 64K that text files do not contain: NUL and other
 * control characters (tab, newlines, form feed and escape excepted) and U+FFFD, which the
 * editor puts where a file's bytes were not valid UTF-8.
 */
function binaryShare(text: string): number {
  const sample = text.slice(0, 65_536);
  if (!sample.length) return 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) || c === 0xfffd) odd++;
  }
  return odd / sample.length;
}

/** Text counts as binary-looking when over 10% of it is control or invalid characters, or it holds NUL. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 65_536).includes('\0') || binaryShare(text) > 0.1;
}
