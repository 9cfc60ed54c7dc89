import type { ApiRouter } from '../api-router';
import type { AppDeps } from '../app-deps';

export function productRoutes(_api: ApiRouter, _deps: AppDeps): void {}
