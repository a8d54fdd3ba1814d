// Entry of the Decoding Playground's bundle (dist/webviews/decoding.js): registers the elements,
// installs the localized strings from the boot data, and mounts the app.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { mountPanelApp } from '../shared/boot';
import './components/beam-tree';
import './components/cache-chart';
import './components/compare-columns';
import './components/decoding-app';
import './components/generated-text';
import './components/probability-bars';
import './components/sampler-controls';

mountPanelApp('decoding-app');
