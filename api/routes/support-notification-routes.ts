import { z } from 'zod';
import { findNotification, listNotifications, retryFailedNotification } from '../../db/notifications';
import type { ApiRouter } from '../http/api-router';
import { Problem } from '../http/problem';
import type { AppDeps } from '../app-deps';
import { supportRequest } from '../orders/order-schemas';

const staff = ['support', 'admin'] as const;
const notificationStatuses = ['pending', 'sent', 'failed', 'suppressed'] as const;

export const notificationSummary = z.object({
  id: z.uuid(),
  orderId: z.uuid().nullable(),
  template: z.string().describe('The email: order-confirmed, order-shipped, refund-issued, ...'),
  recipient: z.string(),
  status: z.enum(notificationStatuses),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable().describe("The SMTP server's last answer, or why the email cannot be sent"),
  nextAttemptAt: z.iso.datetime().nullable().describe('When a pending email is next tried'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});

const notificationList = z.object({
  total: z.number().int().min(0),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(notificationSummary),
});

const listQuery = z.strictObject({
  status: z.enum(notificationStatuses).optional().describe('`failed`: the emails that need support'),
  orderId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const notificationIdParam = z.object({ notificationId: z.uuid() });

/** Support's view of the outbox: what was sent, what failed, and sending a failed email again. */
export function supportNotificationRoutes(api: ApiRouter, { db }: AppDeps): void {
  api.route(
    {
      method: 'get',
      path: '/support/notifications',
      operationId: 'listNotifications',
      summary: 'The customer emails, by status (failed ones first need support) and order',
      description: 'From the notifications outbox, most recently changed first. `status=failed` lists the emails the sender gave up on, with the last error.',
      tag: 'Support',
      roles: staff,
      query: listQuery,
      responses: { 200: { description: 'Matching notifications', schema: notificationList } },
    },
    async ({ query, res }) => {
      const { total, items } = await listNotifications(db, { status: query.status, orderId: query.orderId, limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
      res.json(notificationList.parse({ total, page: query.page, pageSize: query.pageSize, items }));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/support/notifications/:notificationId',
      operationId: 'getNotification',
      summary: 'One customer email and where its delivery stands',
      tag: 'Support',
      roles: staff,
      params: notificationIdParam,
      responses: { 200: { description: 'The notification', schema: notificationSummary }, 404: { description: 'No such notification', problems: ['not-found'] } },
    },
    async ({ params, res }) => {
      const notification = await findNotification(db, params.notificationId);
      if (!notification) throw new Problem('not-found', 'No such notification.');
      res.json(notificationSummary.parse(notification));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/support/notifications/:notificationId/retry',
      operationId: 'retryNotification',
      summary: 'Send a failed email again',
      description:
        'The notification becomes pending with its attempts counted afresh, and the sender takes it within seconds. Only a `failed` one: a sent email is never sent again by hand. Recorded in the support audit with the actor and reason.',
      tag: 'Support',
      roles: staff,
      rateLimit: 'support-actions',
      params: notificationIdParam,
      body: supportRequest,
      responses: {
        200: { description: 'Queued again; the notification after it', schema: notificationSummary },
        404: { description: 'No such notification', problems: ['not-found'] },
        409: { description: 'The notification has not failed', problems: ['notification-not-failed'] },
      },
    },
    async ({ params, body, principal, res }) => {
      const result = await retryFailedNotification(db, params.notificationId, { actor: { id: principal!.subject, role: principal!.role }, reason: body.reason });
      if (result.outcome === 'not-found') throw new Problem('not-found', 'No such notification.');
      if (result.outcome === 'not-failed') throw new Problem('notification-not-failed', `The notification is ${result.status}.`, { notificationStatus: result.status });
      res.json(notificationSummary.parse(result.notification));
    },
  );
}
