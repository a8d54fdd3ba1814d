// Entry of the quantization lab's bundle (dist/webviews/quantization.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/error-histogram';
import './components/quantization-app';

mountPanelApp('quantization-app');
