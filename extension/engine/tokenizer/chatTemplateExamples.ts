// Two chat templates to try in the tokenizer panel, and the one the BPE trainer writes.

export interface ChatTemplateExample {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly template: string;
}

/**
 * For a small model trained on plain text such as TinyStories, where documents are separated by
 * <|endoftext|>. Such a model knows no roles: every finished message is a document that ends with
 * eos_token, and with add_generation_prompt the last message stays open so that the model
 * continues it. bos_token in front tells the model that a new document starts.
 */
export const PLAIN_TEXT_TEMPLATE = `{#- Plain text: each finished message is a document ending with eos_token; with add_generation_prompt the last one stays open for the model to continue. -#}
{{- bos_token -}}
{%- for message in messages -%}
    {{- message.content -}}
    {%- if not (loop.last and add_generation_prompt) -%}{{- eos_token -}}{%- endif -%}
{%- endfor -%}`;

/**
 * The bundled story model's template: a user turn is "User: text" on its own line, an assistant
 * turn "Assistant: text" closed by eos_token, and the generation prompt after a user turn opens
 * "Assistant:" for the model to answer. Instruction tuning (SFT) teaches the model these roles.
 * Any other role (a "text" message) is rendered as the plain-text template does: a document ending
 * with eos_token, left open when it is the last message of a generation prompt.
 */
export const STORY_CHAT_TEMPLATE = `{#- Story chat: "User: text" lines, "Assistant: text" turns ending with eos_token; other roles are plain documents. -#}
{{- bos_token -}}
{%- for message in messages -%}
    {%- if message.role == 'user' -%}
        {{- 'User: ' + message.content + '\\n' -}}
        {%- if loop.last and add_generation_prompt -%}{{- 'Assistant:' -}}{%- endif -%}
    {%- elif message.role == 'assistant' -%}
        {{- 'Assistant: ' + message.content + eos_token -}}
    {%- else -%}
        {{- message.content -}}
        {%- if not (loop.last and add_generation_prompt) -%}{{- eos_token -}}{%- endif -%}
    {%- endif -%}
{%- endfor -%}`;

/**
 * ChatML (OpenAI, Qwen, SmolLM): each turn is <|im_start|>role, a newline, the text and
 * <|im_end|>; the generation prompt opens an assistant turn. It needs a tokenizer with
 * <|im_start|> and <|im_end|> as special tokens.
 */
export const CHATML_TEMPLATE = `{%- for message in messages -%}
    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{- '<|im_start|>assistant\\n' -}}
{%- endif -%}`;

export const CHAT_TEMPLATE_EXAMPLES: readonly ChatTemplateExample[] = [
  {
    id: 'plain-text',
    label: 'Plain text (small story model)',
    description: 'Messages as documents separated by the end-of-text token; the last one is left open for the model to continue.',
    template: PLAIN_TEXT_TEMPLATE,
  },
  {
    id: 'story-chat',
    label: 'Story chat (instruction-tuned story model)',
    description: 'User and Assistant turns as plain labelled lines, each assistant turn ending with the end-of-text token; other roles are plain documents.',
    template: STORY_CHAT_TEMPLATE,
  },
  {
    id: 'chatml',
    label: 'ChatML',
    description: 'Turns wrapped in <|im_start|>role ... <|im_end|>, as OpenAI, Qwen and SmolLM use; the generation prompt opens an assistant turn.',
    template: CHATML_TEMPLATE,
  },
];
