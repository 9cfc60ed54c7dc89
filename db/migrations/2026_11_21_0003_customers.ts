import { type Kysely, sql } from 'kysely';

async function touchUpdatedAt(db: Kysely<any>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.raw(`${table}_set_updated_at`)} before update on ${sql.table(table)}
    for each row execute function set_updated_at()
  `.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('customers_email_format', sql`email ~ '^[^@\\s]+@[^@\\s]+$'`)
    .execute();
  // citext is an extension that may be missing, so case-insensitivity lives in the index.
  await sql`create unique index customers_email_key on customers (lower(email))`.execute(db);
  await touchUpdatedAt(db, 'customers');

  await db.schema
    .createTable('addresses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('company', 'text')
    .addColumn('line1', 'text', (c) => c.notNull())
    .addColumn('line2', 'text')
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('country', 'char(2)', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('addresses_country_format', sql`country ~ '^[A-Z]{2}$'`)
    .execute();
  await db.schema.createIndex('addresses_customer_id_idx').on('addresses').column('customer_id').execute();
  await sql`create unique index addresses_one_default_per_customer on addresses (customer_id) where is_default`.execute(db);
  await touchUpdatedAt(db, 'addresses');
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('addresses').execute();
  await db.schema.dropTable('customers').execute();
}
