import { type Kysely, sql } from 'kysely';

const SLUG = sql`'^[a-z0-9]+(-[a-z0-9]+)*$'`;
const CURRENCY = sql`'^[A-Z]{3}$'`;

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sellers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('country', 'char(2)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('sellers_slug_format', sql`slug ~ ${SLUG}`)
    .addCheckConstraint('sellers_country_format', sql`country ~ '^[A-Z]{2}$'`)
    .addCheckConstraint('sellers_status_check', sql`status in ('active', 'suspended')`)
    .execute();
  await touchUpdatedAt(db, 'sellers');

  await db.schema
    .createTable('categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.references('categories.id').onDelete('restrict'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('depth', 'smallint', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('categories_slug_format', sql`slug ~ ${SLUG}`)
    .addCheckConstraint('categories_depth_non_negative', sql`depth >= 0`)
    .execute();
  await db.schema.createIndex('categories_parent_id_idx').on('categories').column('parent_id').execute();
  // text_pattern_ops lets `path like 'apparel/%'` (descendants) use the index under any collation.
  await sql`create unique index categories_path_key on categories (path text_pattern_ops)`.execute(db);
  await touchUpdatedAt(db, 'categories');

  // path and depth are derived from the parent, so no caller can get them wrong.
  await sql`
    create function categories_derive_path() returns trigger language plpgsql as $$
    declare
      parent_path text;
      parent_depth smallint;
    begin
      if new.parent_id is null then
        new.path := new.slug;
        new.depth := 0;
        return new;
      end if;
      select path, depth into parent_path, parent_depth from categories where id = new.parent_id;
      if not found then
        raise exception 'parent category % does not exist', new.parent_id using errcode = 'foreign_key_violation';
      end if;
      if tg_op = 'UPDATE' and (new.parent_id = new.id or parent_path = old.path or parent_path like old.path || '/%') then
        raise exception 'category % cannot move under its own descendant', new.slug using errcode = 'check_violation';
      end if;
      new.path := parent_path || '/' || new.slug;
      new.depth := parent_depth + 1;
      return new;
    end
    $$
  `.execute(db);
  await sql`
    create trigger categories_derive_path before insert or update on categories
    for each row execute function categories_derive_path()
  `.execute(db);
  // Touching the children re-runs their derive trigger, which recurses down the subtree.
  await sql`
    create function categories_cascade_path() returns trigger language plpgsql as $$
    begin
      update categories set parent_id = parent_id where parent_id = new.id;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger categories_cascade_path after update on categories
    for each row when (old.path is distinct from new.path) execute function categories_cascade_path()
  `.execute(db);

  await db.schema
    .createTable('brands')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('brands_slug_format', sql`slug ~ ${SLUG}`)
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seller_id', 'uuid', (c) => c.notNull().references('sellers.id'))
    .addColumn('category_id', 'uuid', (c) => c.notNull().references('categories.id'))
    .addColumn('brand_id', 'uuid', (c) => c.references('brands.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('search_version', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('products_slug_format', sql`slug ~ ${SLUG}`)
    .addCheckConstraint('products_name_not_blank', sql`btrim(name) <> ''`)
    .addCheckConstraint('products_status_check', sql`status in ('active', 'inactive')`)
    .addCheckConstraint('products_search_version_positive', sql`search_version > 0`)
    .execute();
  await db.schema.createIndex('products_seller_id_idx').on('products').column('seller_id').execute();
  await db.schema.createIndex('products_category_id_idx').on('products').column('category_id').execute();
  await db.schema.createIndex('products_brand_id_idx').on('products').column('brand_id').execute();
  await db.schema.createIndex('products_updated_at_idx').on('products').column('updated_at').execute();
  await touchUpdatedAt(db, 'products');

  await db.schema
    .createTable('product_variants')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id'))
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('price_amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('weight_grams', 'integer')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('product_variants_sku_format', sql`sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'`)
    .addCheckConstraint('product_variants_attributes_object', sql`jsonb_typeof(attributes) = 'object'`)
    .addCheckConstraint('product_variants_price_non_negative', sql`price_amount >= 0`)
    .addCheckConstraint('product_variants_currency_format', sql`currency ~ ${CURRENCY}`)
    .addCheckConstraint('product_variants_weight_positive', sql`weight_grams > 0`)
    .execute();
  await db.schema.createIndex('product_variants_product_id_idx').on('product_variants').column('product_id').execute();
  await touchUpdatedAt(db, 'product_variants');

  await db.schema
    .createTable('product_images')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('alt_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('product_images_product_position_key', ['product_id', 'position'])
    .addCheckConstraint('product_images_position_non_negative', sql`position >= 0`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product_images').execute();
  await db.schema.dropTable('product_variants').execute();
  await db.schema.dropTable('products').execute();
  await db.schema.dropTable('brands').execute();
  await db.schema.dropTable('categories').execute();
  await sql`drop function categories_cascade_path()`.execute(db);
  await sql`drop function categories_derive_path()`.execute(db);
  await db.schema.dropTable('sellers').execute();
}
