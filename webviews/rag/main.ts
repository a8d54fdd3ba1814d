// Entry of the RAG & context-window panel's bundle (dist/webviews/rag.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { readBootData } from '../shared/boot';
import { setStrings } from '../shared/l10n';
import './components/context-bar';
import './components/rag-app';
import './components/ranking-list';
import type { RagBoot } from './strings';

setStrings(readBootData<RagBoot>()?.strings ?? {});
document.body.append(document.createElement('rag-app'));
