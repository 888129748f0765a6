import { useMutation } from '@tanstack/react-query';

import type { LaunchResponse } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/apps/{app}/launch {next?} → a single-use URL (valid 60 s) on the app's own origin
 * that signs the caller in to the app there. 403 without `apps.open`, 404 unknown or not
 * installed, 409 `app_access_off`, 422 `invalid_next`, 503 `gateway_disabled`.
 */
export function launchApp(app: string, next?: string): Promise<LaunchResponse> {
  return unwrap(
    apiClient.POST('/api/apps/{app}/launch', {
      params: { path: { app } },
      body: next === undefined ? {} : { next },
    }),
  );
}

export function useLaunchApp() {
  return useMutation({
    mutationFn: ({ app, next }: { app: string; next?: string }) => launchApp(app, next),
  });
}
