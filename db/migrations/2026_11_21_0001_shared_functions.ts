import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function set_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end
    $$
  `.execute(db);

  // restrict_violation is in the integrity-constraint class (23), so callers treat it like any
  // other constraint failure: not retryable.
  await sql`
    create function refuse_row_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'restrict_violation';
    end
    $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function refuse_row_change()`.execute(db);
  await sql`drop function set_updated_at()`.execute(db);
}
