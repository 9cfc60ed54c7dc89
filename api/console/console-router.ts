import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { consoleContentSecurityPolicy } from '../http/security-headers';

export interface ConsoleSettings {
  /** The Temporal Web UI the order page links each workflow to, and its namespace. */
  temporalUi: { url: string; namespace: string };
}

/** The browser code: plain ES modules in the top-level console/ folder (copied beside dist/api in the image). */
const assetsDir = path.resolve(__dirname, '../../console');
const preactDir = path.dirname(require.resolve('preact'));
const htmDir = path.dirname(require.resolve('htm'));
/*
 * preact's hooks module imports the bare name "preact", which a browser resolves only through an
 * import map, and an import map is an inline script the console's policy forbids. The same file,
 * pointed at the preact module served beside it, is all the browser needs.
 */
const hooksModule = readFileSync(path.join(path.dirname(require.resolve('preact/hooks')), 'hooks.module.js'), 'utf8').replace(
  /from\s*["']preact["']/g,
  'from"/console/vendor/preact/preact.module.js"',
);

const escapeAttribute = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function consolePage({ temporalUi }: ConsoleSettings): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support console</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/main.js"></script></head>
<body><div id="console" data-temporal-ui-url="${escapeAttribute(temporalUi.url)}" data-temporal-namespace="${escapeAttribute(temporalUi.namespace)}"></div>
<noscript>The support console needs JavaScript.</noscript>
</body></html>`;
}

/** GET /console: the support console's page, its modules and the preact and htm builds it imports (no CDN). */
export function consoleRouter(settings: ConsoleSettings): Router {
  const router = express.Router();
  const page = consolePage(settings);
  router.use('/console', consoleContentSecurityPolicy());
  router.get(['/console', '/console/'], (_req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(page);
  });
  const statics = { index: false, fallthrough: true, maxAge: 0 } as const;
  router.use('/console/assets', express.static(assetsDir, statics));
  router.use('/console/vendor/preact', express.static(preactDir, { ...statics, maxAge: '1h' }));
  router.use('/console/vendor/htm', express.static(htmDir, { ...statics, maxAge: '1h' }));
  router.get('/console/vendor/preact-hooks.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('text/javascript').send(hooksModule);
  });
  return router;
}
