// Entry of the Calibration panel's bundle (dist/webviews/calibration.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/calibration-app';
import './components/reliability-diagram';

mountPanelApp('calibration-app');
