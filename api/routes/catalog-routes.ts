import { z } from 'zod';
import {
  addVariant,
  createCategory,
  createProduct,
  createSeller,
  createWarehouse,
  findProductWithVariants,
  listCategories,
  updateCategory,
  updateProduct,
  updateVariant,
} from '../../db/catalog-repository';
import { catchUpSearchIndexWorkflowType, searchCatchUpWorkflowId, type CatchUpSearchIndexWorkflow } from '../../workflows/search/catch-up-search-index.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import type { ApiRouter, ResponseSpec } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { notifyProductsChanged } from '../notify-products-changed';
import { Problem } from '../http/problem';
import { SEARCH_CATCH_UP_EVERY } from '../../platform/temporal/schedules';
import { emailAddress } from '../http/email-address';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes').max(80);
const uuid = z.uuid();
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. US');
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217, e.g. USD');
const sku = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash, underscore; at most 64');
const priceAmount = z.number().int().min(0).max(100_000_000).describe('Minor units (cents)');
const attributes = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), z.string().min(1).max(64))
  .refine((a) => Object.keys(a).length <= 10, 'at most 10 attributes')
  .describe('e.g. { "size": "M", "color": "red" }');

const variant = z.strictObject({ sku, attributes, priceAmount, currency, weightGrams: z.number().int().min(1).max(1_000_000).optional() });
const productBody = z
  .strictObject({
    sellerId: uuid,
    categoryId: uuid,
    brand: z.string().min(1).max(80).optional(),
    slug: slug.optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    images: z.array(z.strictObject({ url: z.url({ protocol: /^https$/ }), altText: z.string().max(200).optional() })).max(10).optional(),
    variants: z.array(variant).min(1).max(50),
  })
  .refine((p) => new Set(p.variants.map((v) => v.currency)).size === 1, { message: 'all variants share one currency', path: ['variants'] });
const productPatch = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(5000).optional(),
    categoryId: uuid.optional(),
    brand: z.string().min(1).max(80).nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'change at least one field');
const variantPatch = z
  .strictObject({ attributes: attributes.optional(), priceAmount: priceAmount.optional(), active: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, 'change at least one field');

const productView = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.string(),
  sellerId: z.string(),
  categoryId: z.string(),
  categoryPath: z.string(),
  brand: z.string().nullable(),
  searchVersion: z.number().int(),
  variants: z.array(z.object({ sku: z.string(), attributes: z.record(z.string(), z.string()), priceAmount: z.number().int(), currency: z.string(), active: z.boolean() })),
  searchSync: z.enum(['signalled', 'deferred']).describe('deferred: Temporal was unreachable; the scheduled catch-up indexes the change'),
});
const categoryView = z.object({ id: z.string(), slug: z.string(), name: z.string(), parentId: z.string().nullable(), path: z.string(), depth: z.number().int() });
type CategoryNode = z.infer<typeof categoryView> & { children: CategoryNode[] };

const adminErrors: Record<number, ResponseSpec> = {
  400: { description: 'Invalid body', problems: ['validation-failed', 'malformed-json'] },
  401: { description: 'No valid token', problems: ['unauthorized'] },
  403: { description: 'Not an admin', problems: ['forbidden'] },
};

const toCategory = (c: { id: string; slug: string; name: string; parent_id: string | null; path: string; depth: number }) => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  parentId: c.parent_id,
  path: c.path,
  depth: c.depth,
});

export function catalogRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, temporal } = deps;

  async function productResponse(id: string, searchSync: 'signalled' | 'deferred') {
    const p = await findProductWithVariants(db, id);
    if (!p) throw new Problem('not-found', `No product ${id}.`);
    return {
      id: p.id,
      slug: p.slug,
      name: p.name,
      description: p.description,
      status: p.status,
      sellerId: p.seller_id,
      categoryId: p.category_id,
      categoryPath: p.category_path,
      brand: p.brand,
      searchVersion: p.search_version,
      variants: p.variants.map((v) => ({ sku: v.sku, attributes: v.attributes, priceAmount: v.price_amount, currency: v.currency, active: v.active })),
      searchSync,
    } satisfies z.infer<typeof productView>;
  }

  async function startCatchUp(): Promise<string> {
    const handle = await temporal.workflow.start<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
      workflowId: searchCatchUpWorkflowId('on-demand'),
      taskQueue: taskQueues.search,
      args: [],
      // A run already going will find the newly lagging products too.
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: 'Index products whose search document lags the database (on demand)',
    });
    return handle.workflowId;
  }

  api.route(
    {
      method: 'post',
      path: '/admin/sellers',
      operationId: 'createSeller',
      summary: 'Create a seller',
      tag: 'Catalog admin',
      roles: ['admin'],
      body: z.strictObject({ slug, name: z.string().min(1).max(120), email: emailAddress.optional(), country }),
      responses: { 201: { description: 'Created' }, ...adminErrors, 409: { description: 'Slug taken', problems: ['already-exists'] } },
    },
    async ({ body, res }) => {
      res.status(201).json(await createSeller(db, body));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/admin/warehouses',
      operationId: 'createWarehouse',
      summary: 'Create a warehouse',
      tag: 'Catalog admin',
      roles: ['admin'],
      body: z.strictObject({ code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/), name: z.string().min(1).max(120), country, region: z.string().min(1).max(64) }),
      responses: { 201: { description: 'Created' }, ...adminErrors, 409: { description: 'Code taken', problems: ['already-exists'] } },
    },
    async ({ body, res }) => {
      res.status(201).json(await createWarehouse(db, body));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/categories',
      operationId: 'listCategories',
      summary: 'The category tree',
      tag: 'Catalog',
      responses: { 200: { description: 'Root categories with their children' } },
    },
    async ({ res }) => {
      const nodes = new Map<string, CategoryNode>();
      const roots: CategoryNode[] = [];
      for (const row of await listCategories(db)) {
        const node = { ...toCategory(row), children: [] };
        nodes.set(node.id, node);
        // Ordered by path, so a parent is always seen before its children.
        (node.parentId ? nodes.get(node.parentId)?.children : roots)?.push(node);
      }
      res.set('Cache-Control', 'public, max-age=60').json(roots);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/admin/categories',
      operationId: 'createCategory',
      summary: 'Create a category (optionally under a parent)',
      tag: 'Catalog admin',
      roles: ['admin'],
      body: z.strictObject({ slug, name: z.string().min(1).max(120), parentId: uuid.optional() }),
      responses: {
        201: { description: 'Created', schema: categoryView },
        ...adminErrors,
        409: { description: 'Path taken', problems: ['already-exists'] },
        422: { description: 'Unknown parent', problems: ['unknown-reference'] },
      },
    },
    async ({ body, res }) => {
      res.status(201).json(toCategory(await createCategory(db, body)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/admin/categories/:categoryId',
      operationId: 'updateCategory',
      summary: 'Rename or move a category',
      description: 'Moving a category re-paths its subtree and reindexes every product in it (through the search catch-up workflow).',
      tag: 'Catalog admin',
      roles: ['admin'],
      params: z.object({ categoryId: uuid }),
      body: z
        .strictObject({ name: z.string().min(1).max(120).optional(), parentId: uuid.nullable().optional() })
        .refine((c) => Object.keys(c).length > 0, 'change at least one field'),
      responses: {
        200: { description: 'Updated', schema: categoryView.extend({ reindexedProducts: z.number().int(), catchUpWorkflowId: z.string().optional() }) },
        ...adminErrors,
        404: { description: 'No such category', problems: ['not-found'] },
        422: { description: 'Unknown parent, or a move under its own subtree', problems: ['unknown-reference', 'constraint-violated'] },
      },
    },
    async ({ params, body, res }) => {
      const result = await db.transaction().execute((trx) => updateCategory(trx, params.categoryId, body));
      if (!result) throw new Problem('not-found', `No category ${params.categoryId}.`);
      const catchUpWorkflowId = result.reindexedProducts > 0 ? await startCatchUp() : undefined;
      res.json({ ...toCategory(result.category), reindexedProducts: result.reindexedProducts, catchUpWorkflowId });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/admin/products',
      operationId: 'createProduct',
      summary: 'Create a product with its SKUs',
      description: 'The product is indexed for search by its sync workflow `product-sync-<productId>`.',
      tag: 'Catalog admin',
      roles: ['admin'],
      body: productBody,
      responses: {
        201: { description: 'Created', schema: productView },
        ...adminErrors,
        409: { description: 'Slug or SKU taken', problems: ['already-exists'] },
        422: { description: 'Unknown seller or category', problems: ['unknown-reference'] },
      },
    },
    async ({ body, res }) => {
      const id = await db.transaction().execute((trx) => createProduct(trx, body));
      const sync = await notifyProductsChanged(deps, [id]);
      res.status(201).location(`/products/${id}`).json(await productResponse(id, sync));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/admin/products/:productId',
      operationId: 'updateProduct',
      summary: 'Change a product (name, description, category, brand, status)',
      description: 'Set `status` to `inactive` to deactivate: the product leaves search and its detail page.',
      tag: 'Catalog admin',
      roles: ['admin'],
      params: z.object({ productId: uuid }),
      body: productPatch,
      responses: { 200: { description: 'Updated', schema: productView }, ...adminErrors, 404: { description: 'No such product', problems: ['not-found'] } },
    },
    async ({ params, body, res }) => {
      const found = await db.transaction().execute((trx) => updateProduct(trx, params.productId, body));
      if (!found) throw new Problem('not-found', `No product ${params.productId}.`);
      res.json(await productResponse(params.productId, await notifyProductsChanged(deps, [params.productId])));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/admin/products/:productId/variants',
      operationId: 'addVariant',
      summary: 'Add a SKU to a product',
      tag: 'Catalog admin',
      roles: ['admin'],
      params: z.object({ productId: uuid }),
      body: variant,
      responses: {
        201: { description: 'Added', schema: productView },
        ...adminErrors,
        404: { description: 'No such product', problems: ['not-found'] },
        409: { description: 'SKU taken', problems: ['already-exists'] },
      },
    },
    async ({ params, body, res }) => {
      const found = await db.transaction().execute((trx) => addVariant(trx, params.productId, body));
      if (!found) throw new Problem('not-found', `No product ${params.productId}.`);
      res.status(201).json(await productResponse(params.productId, await notifyProductsChanged(deps, [params.productId])));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/admin/variants/:sku',
      operationId: 'updateVariant',
      summary: "Change a SKU: its price, attributes, or whether it is sold",
      tag: 'Catalog admin',
      roles: ['admin'],
      params: z.object({ sku }),
      body: variantPatch,
      responses: { 200: { description: 'Updated', schema: productView }, ...adminErrors, 404: { description: 'No such SKU', problems: ['not-found'] } },
    },
    async ({ params, body, res }) => {
      const productId = await db.transaction().execute((trx) => updateVariant(trx, params.sku, body));
      if (!productId) throw new Problem('not-found', `No SKU ${params.sku}.`);
      res.json(await productResponse(productId, await notifyProductsChanged(deps, [productId])));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/admin/search/catch-up',
      operationId: 'catchUpSearch',
      summary: 'Index every product whose search document lags the database',
      description: `Also runs every ${SEARCH_CATCH_UP_EVERY} on a Temporal schedule (\`search-catch-up\`).`,
      tag: 'Catalog admin',
      roles: ['admin'],
      responses: { 202: { description: 'Started (or joined the run already going)', schema: z.object({ workflowId: z.string() }) }, ...adminErrors },
    },
    async ({ res }) => {
      res.status(202).json({ workflowId: await startCatchUp() });
    },
  );
}
