// Entry of the training panel's bundle (dist/webviews/training.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/layer-heatmap';
import './components/line-chart';
import './components/loss-mask';
import './components/preference-charts';
import './components/run-form';
import './components/run-monitor';
import './components/training-app';

mountPanelApp('training-app');
