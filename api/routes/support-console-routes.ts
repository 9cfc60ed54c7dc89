import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import type { ApiRouter } from '../http/api-router';
import { loadSupportQueues, supportQueues } from '../read-models/support-queues';

const staff = ['support', 'admin'] as const;

const whoami = z.object({ subject: z.string(), role: z.enum(staff) });

/** What the support console reads besides orders: who the token is, and the queues of work. */
export function supportConsoleRoutes(api: ApiRouter, { db, temporal }: AppDeps): void {
  api.route(
    {
      method: 'get',
      path: '/support/whoami',
      operationId: 'supportWhoami',
      summary: "Who the token is: its subject and role (support or admin)",
      description: 'The console signs in with it: a token of another role is a 403.',
      tag: 'Support',
      roles: staff,
      responses: { 200: { description: 'The signed-in staff member', schema: whoami } },
    },
    ({ principal, res }) => {
      res.json(whoami.parse({ subject: principal!.subject, role: principal!.role }));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/support/queues',
      operationId: 'supportQueues',
      summary: 'The work waiting for support: orders on hold for review, late or failed parcels, refunds awaiting approval, failed refunds; each a list (50 at most) with its count',
      tag: 'Support',
      roles: staff,
      responses: { 200: { description: 'The queues', schema: supportQueues } },
    },
    async ({ res }) => {
      res.json(await loadSupportQueues(db, temporal));
    },
  );
}
