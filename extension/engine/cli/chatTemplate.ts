// `chat-template`: render a tokenizer's chat template for a conversation and check it, as the
// tokenizer panel does and with the same limits (rendering in a worker process with a heap cap
// and a 2 s budget, the checks in the tokenizer worker).
//   npm run cli -- chat-template --tokenizer models/tinystories-1m --messages '[{"role":"user","content":"Hi"}]'
//   npm run cli -- chat-template --tokenizer path/tokenizer.json --messages conversation.json --json

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readBoundedText } from '../files/readBounded';
import { isBuiltinTokenizerName } from '../tokenizer/builtins';
import { chatTemplateOf, templateVariables, type ChatMessage } from '../tokenizer/chatTemplate';
import { BUILTIN_NAMES, openTokenizer } from '../tokenizer/openTokenizer';
import type { TokenizerSource } from '../tokenizer/tokenizerJobs';
import { TokenizerWorkers } from '../tokenizer/tokenizerWorkers';
import { workerScript } from '../workers/workerScript';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- chat-template --tokenizer <folder or file> --messages <json or file> [options]
  --tokenizer T          a tokenizer.json or a folder holding one (its tokenizer_config.json's chat_template,
                         or chat_template.jinja), or ${BUILTIN_NAMES.join(', ')} with --template
  --messages M           a JSON list of {"role", "content"}, or a file holding one
  --template FILE        render this Jinja file instead of the tokenizer's own template
  --no-generation-prompt end with the last message instead of opening the assistant's turn
  --json                 print the rendering (text, special tokens, ids, problems) as JSON
  --cache-dir DIR        where converted built-in tokenizers are kept (default: the system temp folder)`;

/** Messages are untrusted input too: at most this much JSON. */
const MAX_MESSAGES_BYTES = 1_048_576;
const MAX_TEMPLATE_BYTES = 1_048_576;

async function readMessages(value: string): Promise<ChatMessage[]> {
  const fromFile = !value.trimStart().startsWith('[');
  const shown = fromFile ? value : '--messages';
  const text = fromFile ? await readBoundedText(value, MAX_MESSAGES_BYTES) : value;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${shown}: is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(json) || !json.every((m) => typeof m === 'object' && m !== null && typeof m.role === 'string' && typeof m.content === 'string')) {
    throw new Error(`${shown}: must be a list of {"role": "...", "content": "..."}`);
  }
  return json.map((m: ChatMessage) => ({ role: m.role, content: m.content }));
}

export const chatTemplateCommand: CliCommand = {
  summary: 'render and check a tokenizer\'s chat template for a conversation (with the panel\'s limits)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        tokenizer: { type: 'string' },
        messages: { type: 'string' },
        template: { type: 'string' },
        'no-generation-prompt': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'cache-dir': { type: 'string', default: path.join(os.tmpdir(), 'llm-pipeline-lab', 'tokenizers') },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.tokenizer || values.messages === undefined) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const messages = await readMessages(values.messages);
    const spec = values.tokenizer === 'gpt2' ? 'r50k_base' : values.tokenizer;
    const tokenizer = await openTokenizer(spec, { cacheDir: values['cache-dir'] });
    const templateFile = values.template ?? tokenizer.files.chatTemplate;
    const template = values.template !== undefined ? await readBoundedText(values.template, MAX_TEMPLATE_BYTES) : chatTemplateOf(tokenizer.config);
    if (template === undefined || templateFile === undefined) {
      throw new Error(`${tokenizer.files.tokenizerJson ?? spec}: has no chat template (no chat_template in tokenizer_config.json, no chat_template.jinja); give one with --template`);
    }
    const source: TokenizerSource = isBuiltinTokenizerName(spec)
      ? { kind: 'builtin', name: spec, cacheDir: values['cache-dir'] }
      : { kind: 'file', location: path.resolve(spec) };
    if (source.kind === 'file' && !fs.existsSync(source.location)) throw new Error(`${spec}: no such file or folder`);

    const workers = new TokenizerWorkers(workerScript('tokenizerWorker', 'tokenizer/tokenizerWorker.ts'));
    let rendering;
    try {
      rendering = await workers.renderChat(source, {
        template,
        templateFile,
        variables: templateVariables(tokenizer.config),
        messages,
        addGenerationPrompt: !values['no-generation-prompt'],
      });
    } finally {
      workers.dispose();
    }
    const failed = rendering.problems.some((p) => p.severity === 'error');
    if (values.json) {
      console.log(JSON.stringify(rendering, null, 2));
    } else {
      if (!failed) {
        console.log(rendering.text);
        console.log(`--- ${rendering.ids.length} tokens, ${rendering.specialTokens.length} special: ${rendering.specialTokens.map((t) => `${t.content} (${t.id})`).join(', ')}`);
      }
      for (const problem of rendering.problems) console.log(`${problem.severity}: ${problem.message}`);
    }
    if (failed) process.exitCode = 1;
  },
};
