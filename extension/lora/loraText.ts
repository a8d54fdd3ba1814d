// How the LoRA commands put an adapter's numbers and an A/B into words.
import * as vscode from 'vscode';
import type { AdapterFacts, LoraResult } from '../engine/lora/loraProtocol';

/** "Rank 8 on 16 matrices: 65,536 trainable parameters, 4.85% of 1.35 M; 260 kB on disk." */
export function adapterSummary(f: AdapterFacts): string {
  return vscode.l10n.t('Rank {0} on {1} matrices: {2} trainable parameters, {3}% of {4} M; {5} kB on disk.',
    f.rank, f.matrices, f.trainable.toLocaleString(), (100 * f.trainable / f.total).toFixed(2), (f.total / 1e6).toFixed(2), (f.adapterBytes / 1024).toFixed(0));
}

/**
 * Model text shown as itself in Markdown: every ASCII punctuation mark that Markdown could read as
 * syntax is backslash-escaped (CommonMark allows that before any of them), and a line break becomes
 * <br> so that the text stays in its table cell.
 */
const literal = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&').replace(/\r?\n/g, '<br>');

/** One column of the A/B: the prompt in bold (an HTML tag, which holds whatever the prompt ends with), then that model's continuation. */
const column = (prompt: string, continuation: string) => `<strong>${literal(prompt)}</strong>${literal(continuation)}`;

/** The A/B as a Markdown page: the two continuations side by side in one table, under the settings they share. */
export function comparisonMarkdown(model: string, adapter: string, result: LoraResult): string {
  const c = result.comparison;
  if (!c) return '';
  return [
    `# ${vscode.l10n.t('{0} with and without a LoRA adapter', model)}`,
    '',
    vscode.l10n.t('Adapter {0}. {1}', adapter, adapterSummary(result)),
    '',
    vscode.l10n.t('Prompt: {0}', literal(c.prompt)),
    '',
    vscode.l10n.t('Both continue it with seed {0}, temperature {1} and at most {2} new tokens, so the difference between the columns is the adapter\'s alone.', c.seed, c.temperature, c.maxTokens),
    '',
    `| ${vscode.l10n.t('base')} | ${vscode.l10n.t('base + adapter')} |`,
    '|---|---|',
    `| ${column(c.prompt, c.base)} | ${column(c.prompt, c.adapted)} |`,
    '',
  ].join('\n');
}
