import type { ApiRouter } from '../api-router';
import type { AppDeps } from '../app-deps';

export function cartRoutes(_api: ApiRouter, _deps: AppDeps): void {}
