// Entry of the Scaling Sweep panel's bundle (dist/webviews/scalingSweep.js): registers the
// elements, installs the localized strings from the boot data, and mounts the app. The current
// run's loss is drawn by the training panel's chart.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { mountPanelApp } from '../shared/boot';
import '../training/components/line-chart';
import './components/scaling-plot';
import './components/sweep-app';

mountPanelApp('sweep-app');
