// Chat templates for the panel: the active tokenizer's own (from its tokenizer_config.json)
// first when it has one, then the engine's examples; and a rendering turned into what the
// panel draws.
import * as vscode from 'vscode';
import { chatTemplateOf, templateVariables } from '../engine/tokenizer/chatTemplate';
import { CHAT_TEMPLATE_EXAMPLES } from '../engine/tokenizer/chatTemplateExamples';
import type { HfTextTokenizer } from '../engine/tokenizer/hfTokenizer';
import type { TokenizerCatalog } from './tokenizerCatalog';
import type { ChatRender, ChatRequest, ChatTemplateOption } from '../../webviews/tokenizer/protocol';

/** The id of "the tokenizer's own template" in the list. */
const OWN = 'tokenizer';

export function chatTemplateOptions(tokenizer: HfTextTokenizer): ChatTemplateOption[] {
  const own = chatTemplateOf(tokenizer.config) === undefined ? [] : [{ id: OWN, label: vscode.l10n.t('{0} (from tokenizer_config.json)', tokenizer.name) }];
  return [...own, ...CHAT_TEMPLATE_EXAMPLES.map((e) => ({ id: e.id, label: e.label }))];
}

function templateSource(tokenizer: HfTextTokenizer, id: string): string | undefined {
  return id === OWN ? chatTemplateOf(tokenizer.config) : CHAT_TEMPLATE_EXAMPLES.find((e) => e.id === id)?.template;
}

/** Where a template came from, for messages: the tokenizer's file, or the example's name. */
function templateFile(tokenizer: HfTextTokenizer, id: string): string {
  if (id === OWN) return tokenizer.files.chatTemplate ?? `${tokenizer.name}/tokenizer_config.json`;
  return vscode.l10n.t('the example template "{0}"', CHAT_TEMPLATE_EXAMPLES.find((e) => e.id === id)?.label ?? id);
}

/** Rendering runs in the template worker and the checks in the tokenizer worker (see TokenizerCatalog.renderChat). */
export async function renderChatView(catalog: TokenizerCatalog, tokenizerId: string, request: ChatRequest): Promise<ChatRender> {
  const tokenizer = await catalog.load(tokenizerId);
  const template = templateSource(tokenizer, request.template);
  if (template === undefined) {
    return {
      template: request.template,
      segments: [],
      tokenCount: 0,
      problems: [{ severity: 'error', message: vscode.l10n.t('{0} has no chat template "{1}".', tokenizer.name, request.template) }],
    };
  }
  const rendering = await catalog.renderChat(tokenizerId, {
    template,
    templateFile: templateFile(tokenizer, request.template),
    variables: templateVariables(tokenizer.config),
    messages: request.messages,
    addGenerationPrompt: request.addGenerationPrompt,
  });
  return {
    template: request.template,
    segments: rendering.segments,
    tokenCount: rendering.ids.length,
    problems: rendering.problems.map((p) => ({ severity: p.severity, message: p.message })),
  };
}
