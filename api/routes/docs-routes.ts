import path from 'node:path';
import express, { type Router } from 'express';
import { absolutePath } from 'swagger-ui-dist';
import type { AnyRouteSpec } from '../http/api-router';
import { buildOpenApi } from '../http/openapi';
import { Problem, problemTypes, problemTypeUri, type ProblemType } from '../http/problem';
import { problemExplanations } from '../http/problem-explanations';

const description = `Order fulfillment API. Storefronts, support staff and admins call it; long-running work runs
as Temporal workflows whose ids are the business keys (e.g. \`restock-<receiptId>\`).

Errors are RFC 9457 \`application/problem+json\`; the \`type\` member is stable and resolves to a
page under \`/problems/\`. Authenticate with \`Authorization: Bearer <JWT>\`; locally mint one with
\`npm run token -- --role admin\` (roles: customer, support, admin).`;

/** In the order a storefront developer meets them. */
const tags = [
  { name: 'Storefront', description: 'Product search and product pages: public.' },
  { name: 'Cart', description: 'Carts for anonymous shoppers (the cart id is the key) and signed-in customers (their token).' },
  { name: 'Checkout', description: 'Customer token: check out a cart, see and cancel your orders.' },
  { name: 'Support', description: 'Support or admin token: find orders, review risk, hold, release, cancel, change addresses; who the token is and the queues of work (the support console at /console uses these).' },
  { name: 'Catalog', description: 'Public catalog structure.' },
  { name: 'Catalog admin', description: 'Admin token: sellers, warehouses, categories, products, SKUs and prices. Changes reach search through workflows.' },
  { name: 'Inventory', description: 'Admin token: stock receipts (the restock workflow).' },
  { name: 'Webhooks', description: 'Signed callbacks from payment providers.' },
  { name: 'Operations', description: 'Liveness and readiness.' },
];

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order fulfillment API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

/** A file of its own, not an inline script: the Content-Security-Policy allows scripts from this origin only. */
const docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: true, validatorUrl: null });\n`;

/** /openapi.json, a browsable /docs (served from the npm package: no CDN), and /problems/<type>. */
export function docsRouter(routes: () => AnyRouteSpec[], version: string): Router {
  const router = express.Router();
  let document: unknown;
  router.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApi(routes(), { title: 'Order fulfillment API', version, description }, tags);
    res.json(document);
  });
  router.use('/docs/assets', express.static(path.resolve(absolutePath()), { index: false, maxAge: '1h' }));
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(docsInit);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(docsPage);
  });
  // JSON for a client, a page for a person following the link in a browser.
  router.get('/problems/:type', (req, res, next) => {
    const type = req.params.type as ProblemType;
    if (!(type in problemTypes)) return next(new Problem('not-found', `No problem type ${req.params.type}.`));
    const { status, title } = problemTypes[type];
    const explanation = problemExplanations[type];
    res.format({
      'application/json': () => res.json({ type: problemTypeUri(type), status, title, explanation }),
      'text/html': () => res.type('html').send(problemPage(type, status, title, explanation)),
      default: () => res.json({ type: problemTypeUri(type), status, title, explanation }),
    });
  });
  return router;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** `code` spans, the only markup the explanations use. */
const withCode = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function problemPage(type: ProblemType, status: number, title: string, explanation: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:0 .25em;border-radius:3px}.meta{color:#666}</style></head>
<body><main>
<p class="meta">HTTP ${status} · problem type <code>${escapeHtml(problemTypeUri(type))}</code></p>
<h1>${escapeHtml(title)}</h1>
<p>${withCode(explanation)}</p>
<p class="meta">Errors from this API are <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a> problem details: switch on <code>type</code>, show <code>detail</code>. The API is described at <a href="/docs">/docs</a>.</p>
</main></body></html>`;
}
