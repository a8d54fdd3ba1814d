// Entry of the tokenizer panel's bundle (dist/webviews/tokenizer.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/bpe-view';
import './components/chat-view';
import './components/compare-view';
import './components/token-chips';
import './components/token-stats';
import './components/tokenizer-app';

mountPanelApp('tokenizer-app');
