import { apiHref } from '@/lib/api-client';

/** The catalog icon of an installed app (public, cacheable; the initial shows when it has none). */
export function appIconHref(app: string): string {
  return apiHref('/api/apps/catalog/{app}/icon', { app });
}
