import { App } from './app.js';
import { html, render } from './html.js';

const root = document.getElementById('console');
const temporalUi = { url: root.dataset.temporalUiUrl, namespace: root.dataset.temporalNamespace };
render(html`<${App} temporalUi=${temporalUi} />`, root);
