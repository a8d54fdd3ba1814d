// Entry of the attention panel's bundle (dist/webviews/attention.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/attention-app';
import './components/embedding-view';
import './components/head-grid';
import './components/heatmap-view';
import './components/lens-view';
import './components/lines-view';
import './components/model-facts';
import './components/norms-view';
import './components/token-strip';

mountPanelApp('attention-app');
