// Entry of the Plot Forgetting panel's bundle (dist/webviews/forgetting.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { mountPanelApp } from '../shared/boot';
import '../training/components/line-chart';
import './components/forgetting-app';

mountPanelApp('forgetting-app');
