// Entry of the Model Size Calculator's bundle (dist/webviews/calculator.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/calculator-app';
import './components/sizes-table';

mountPanelApp('calculator-app');
