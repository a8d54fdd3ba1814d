import * as assert from 'node:assert/strict';
import { parseCausalLMConfig } from '../../extension/engine/modelFolder/causalLMConfig';
import { gpt2ConfigJson, parseGPT2Config } from '../../extension/engine/modelFolder/gpt2Config';
import type { JsonObject } from '../../extension/engine/modelFolder/jsonFile';
import { checkTokenizerFitsVocabulary, gpt2TokenizerConfig, tokenizerIdLimit } from '../../extension/engine/modelFolder/tokenizerFiles';
import { byteLevelTokenizerJson, END_OF_TEXT_ID } from './modelFolderFixtures';

const gpt = { n_layer: 2, n_head: 4, n_embd: 64, n_positions: 128, vocab_size: 300, layer_norm_epsilon: 1e-5 };

describe('model folder config files', () => {
  it('writes config.json with the Hugging Face GPT-2 field names and reads it back', () => {
    const json = gpt2ConfigJson({ gpt, bosTokenId: 256, eosTokenId: 256 });
    assert.deepEqual(json, {
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      n_layer: 2,
      n_head: 4,
      n_embd: 64,
      n_positions: 128,
      n_ctx: 128,
      vocab_size: 300,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: 256,
      eos_token_id: 256,
      tie_word_embeddings: true,
      use_cache: true,
    });
    assert.deepEqual(parseGPT2Config(json), { gpt, bosTokenId: 256, eosTokenId: 256 });
  });

  it('names the file and the field of each problem in a GPT-2 config.json', () => {
    const base = gpt2ConfigJson({ gpt });
    const without = (field: string): JsonObject => Object.fromEntries(Object.entries(base).filter(([k]) => k !== field));
    const cases: Array<[JsonObject, RegExp]> = [
      [without('n_embd'), /^ModelFolderError: config\.json: n_embd is missing$/],
      [{ ...base, n_embd: 66 }, /config\.json: n_embd \(66\) is not divisible by n_head \(4\)/],
      [{ ...base, n_head: '4' }, /config\.json: n_head is "4", not a number/],
      [{ ...base, n_layer: 0 }, /config\.json: n_layer is 0, not an integer ≥ 1/],
      [{ ...base, model_type: 'llama' }, /config\.json: model_type is "llama", not "gpt2"/],
      [{ ...base, activation_function: 'relu' }, /config\.json: activation_function is "relu"; the GPT-2 graphs compute "gelu_new"/],
      [{ ...base, eos_token_id: 300 }, /config\.json: eos_token_id \(300\) is outside the vocabulary \(vocab_size 300\)/],
      [{ ...base, n_ctx: 512 }, /config\.json: n_ctx \(512\) exceeds n_positions \(128\)/],
      [{ ...base, tie_word_embeddings: false }, /config\.json: tie_word_embeddings is false/],
    ];
    for (const [json, message] of cases) assert.throws(() => parseGPT2Config(json), message);
  });

  it('reads the shapes of other model families under their own field names', () => {
    const llama = parseCausalLMConfig({
      model_type: 'llama',
      hidden_size: 576,
      num_attention_heads: 9,
      num_key_value_heads: 3,
      num_hidden_layers: 30,
      max_position_embeddings: 8192,
      vocab_size: 49152,
      bos_token_id: 1,
      eos_token_id: [2, 3],
    });
    assert.deepEqual(llama, {
      modelType: 'llama',
      vocabSize: 49152,
      contextLength: 8192,
      numLayers: 30,
      numHeads: 9,
      numKeyValueHeads: 3,
      headDim: 64,
      hiddenSize: 576,
      bosTokenId: 1,
      eosTokenIds: [2, 3],
    });
    const gpt2 = parseCausalLMConfig(gpt2ConfigJson({ gpt, eosTokenId: 5 }));
    assert.equal(gpt2.numKeyValueHeads, 4, 'without grouped-query attention every head has its keys and values');
    assert.equal(gpt2.headDim, 16);
    assert.equal(gpt2.contextLength, 128);
    const explicitHeadDim = parseCausalLMConfig({ model_type: 'qwen3', hidden_size: 1024, num_attention_heads: 16, num_key_value_heads: 8, head_dim: 128 });
    assert.equal(explicitHeadDim.headDim, 128, 'head_dim wins over hidden_size / num_attention_heads');
    assert.equal(parseCausalLMConfig({ model_type: 'gpt_bigcode', n_head: 4, n_embd: 64, multi_query: true }).numKeyValueHeads, 1);
    assert.throws(() => parseCausalLMConfig({ hidden_size: 8 }), /config\.json: model_type is missing/);
  });

  it('checks that the tokenizer produces no id beyond config.json vocab_size', () => {
    const tokenizer = byteLevelTokenizerJson();
    assert.equal(tokenizerIdLimit(tokenizer), 257);
    checkTokenizerFitsVocabulary(tokenizer, 257);
    checkTokenizerFitsVocabulary(tokenizer, 320);
    assert.throws(
      () => checkTokenizerFitsVocabulary(tokenizer, 256),
      /^ModelFolderError: tokenizer\.json: token "<\|endoftext\|>" has id 256, but config\.json vocab_size is 256: the vocabulary does not match the model$/,
    );
  });

  it('fills tokenizer_config.json for a GPT-2 tokenizer with its special tokens and chat template', () => {
    const config = gpt2TokenizerConfig(byteLevelTokenizerJson(), { bosTokenId: END_OF_TEXT_ID, eosTokenId: END_OF_TEXT_ID, modelMaxLength: 128, chatTemplate: '{{ messages }}' });
    assert.equal(config.tokenizer_class, 'GPT2Tokenizer');
    assert.equal(config.bos_token, '<|endoftext|>');
    assert.equal(config.eos_token, '<|endoftext|>');
    assert.equal(config.model_max_length, 128);
    assert.equal(config.chat_template, '{{ messages }}');
  });
});
