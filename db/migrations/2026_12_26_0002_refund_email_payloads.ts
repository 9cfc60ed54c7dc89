import { type Kysely, sql } from 'kysely';

/**
 * Refund emails were queued with the amount as a bare number beside its currency, a shape their
 * templates do not read: the sender gave up on them as unrenderable. Their payloads take the
 * templates' shape (the amount as money), and those given up on for that reason are due again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update notifications
       set payload = (payload - 'currency') || jsonb_build_object('amount', jsonb_build_object('amount', payload->'amount', 'currency', payload->'currency')),
           status = case when status = 'failed' and last_error like '%does not match its shape%' then 'pending' else status end,
           attempts = case when status = 'failed' and last_error like '%does not match its shape%' then 0 else attempts end,
           next_attempt_at = case when status = 'failed' and last_error like '%does not match its shape%' then now() else next_attempt_at end
     where template in ('refund-issued', 'refund-failed') and jsonb_typeof(payload->'amount') = 'number'
  `.execute(db);
}

/** The old shape is what no template reads: nothing to undo. */
export async function down(): Promise<void> {}
