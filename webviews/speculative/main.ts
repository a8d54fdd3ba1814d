// Entry of the Speculative Decoding panel's bundle (dist/webviews/speculative.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/speculative-app';

mountPanelApp('speculative-app');
