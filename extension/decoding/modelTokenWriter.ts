// Writes the model's tokens with its own tokenizer. A model's embedding table can be larger than
// its tokenizer's vocabulary (padded to a round size), so an id the tokenizer does not know is
// written as #id rather than failing the whole view.
import type { ModelTokenizer } from '../engine/tokenizer/modelTokenizer';
import type { TokenWriter } from './stepHistory';
import { tokenLabel } from './tokenLabels';

export function modelTokenWriter(tokenizer: ModelTokenizer): TokenWriter {
  const known = (id: number) => tokenizer.idToToken(id) !== undefined;
  return {
    label: (id) => (known(id) ? tokenLabel(tokenizer.tokenBytes(id), tokenizer.addedTokens.get(id)?.content) : `#${id}`),
    decode: (ids) => {
      let text = '';
      let run: number[] = [];
      // Known runs decode together (a character may span tokens); unknown ids break the run.
      for (const id of ids) {
        if (known(id)) {
          run.push(id);
          continue;
        }
        text += tokenizer.decode(run) + `#${id}`;
        run = [];
      }
      return text + tokenizer.decode(run);
    },
  };
}
