import type { ApiRouter } from '../api-router';
import type { AppDeps } from '../app-deps';

export function catalogRoutes(_api: ApiRouter, _deps: AppDeps): void {}
