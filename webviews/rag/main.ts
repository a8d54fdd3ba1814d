// Entry of the RAG & context-window panel's bundle (dist/webviews/rag.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/context-bar';
import './components/rag-app';
import './components/ranking-list';

mountPanelApp('rag-app');
