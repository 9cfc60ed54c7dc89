import type { ApiRouter } from '../api-router';
import type { AppDeps } from '../app-deps';

export function stripeWebhookRoutes(_api: ApiRouter, _deps: AppDeps): void {}
