// The strings the attention panel shows. The host fills this table with vscode.l10n.t()
// (extension/attention/webviewStrings.ts) and passes it in the boot data; a key missing on either
// side is a type error.
import { t as translate } from '../shared/l10n';

export const ATTENTION_STRING_KEYS = [
  'model',
  'chooseModel',
  'bundled',
  'noTextYet',
  'working',
  'tabHeads',
  'tabLines',
  'tabEmbeddings',
  'tabLens',
  'tabNorms',
  'tabModel',
  'tokens',
  'tokenButton',
  'clearToken',
  'chosenToken',
  'headsGrid',
  'headCell',
  'meanCell',
  'headShort',
  'meanShort',
  'layerShort',
  'gridTitle',
  'heatmapTitle',
  'heatmapTitleMean',
  'heatmapLabel',
  'heatmapHelp',
  'cellReadout',
  'legendWeight',
  'meanOverHeads',
  'linesHelp',
  'linesLabel',
  'queries',
  'keys',
  'savePng',
  'saveSvg',
  'attentionUnavailable',
  'embeddingsTitle',
  'embeddingsHelp',
  'embeddingsLabel',
  'showVocabulary',
  'axisPc',
  'pointToken',
  'pointVocabulary',
  'lensTitle',
  'lensHelp',
  'lensInput',
  'lensCell',
  'lensMatch',
  'streamEmbeddings',
  'streamAfterBlock',
  'normsTitle',
  'normsHelp',
  'normsLabel',
  'normsAxis',
  'normsMean',
  'factsTitle',
  'factName',
  'factFolder',
  'factKind',
  'factKindGpt2',
  'factKindForeign',
  'factGraph',
  'factParameters',
  'factEmbeddingParameters',
  'factLayers',
  'factHeads',
  'factKeyValueHeads',
  'factHeadDim',
  'factEmbeddingDim',
  'factContext',
  'factVocabulary',
  'factUnknown',
] as const;

export type AttentionStringKey = (typeof ATTENTION_STRING_KEYS)[number];
export type AttentionStrings = Readonly<Record<AttentionStringKey, string>>;

/** What the host writes into the panel's HTML. */
export interface AttentionBoot {
  readonly strings: AttentionStrings;
}

export function t(key: AttentionStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
