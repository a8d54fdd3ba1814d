// The strings the tokenizer panel shows. The host fills this table with vscode.l10n.t()
// (extension/tokenizer/webviewStrings.ts) and passes it in the boot data; a key missing on either
// side is a type error.
import { t as translate } from '../shared/l10n';

export type TokenizerStringKey =
  | 'tokenizer'
  | 'openTokenizerFile'
  | 'tabTokens'
  | 'tabCompare'
  | 'tabBpe'
  | 'tabChat'
  | 'noTextYet'
  | 'editText'
  | 'textToTokenize'
  | 'typeText'
  | 'counts'
  | 'countTokens'
  | 'countCharacters'
  | 'countBytes'
  | 'countCharsPerToken'
  | 'tokensList'
  | 'tokenChipLabel'
  | 'partialCharacter'
  | 'showingTokens'
  | 'showMore'
  | 'tokenId'
  | 'moreTokens'
  | 'compareChoose'
  | 'compareTable'
  | 'bpeWord'
  | 'bpeWordPlaceholder'
  | 'bpeShow'
  | 'bpeExplain'
  | 'bpeSteps'
  | 'bpeFirst'
  | 'bpePrevious'
  | 'bpePlay'
  | 'bpePause'
  | 'bpeNext'
  | 'bpeLast'
  | 'bpeStepOf'
  | 'bpeParts'
  | 'bpeNoMerges'
  | 'bpeMerges'
  | 'bpeRank'
  | 'bpePieces'
  | 'bpeWholeWord'
  | 'bpeFinal'
  | 'bpeNotInVocabulary'
  | 'chatTemplate'
  | 'chatAddGenerationPrompt'
  | 'chatMessages'
  | 'chatAddMessage'
  | 'chatRole'
  | 'chatContent'
  | 'chatRemove'
  | 'chatRendered'
  | 'chatRenderedText'
  | 'specialToken'
  | 'chatProblems'
  | 'chatNoProblems';

export type TokenizerStrings = Readonly<Record<TokenizerStringKey, string>>;

export function t(key: TokenizerStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
