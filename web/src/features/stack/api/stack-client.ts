import type { Client } from 'openapi-fetch';

import { apiClient } from '@/lib/api-client';

import type { StackApiPaths } from './types';

/**
 * The app's one API client (same cookie, CSRF header, error handling and middleware), typed with
 * the stack endpoints that the generated schema does not list yet (see `types.ts`). Only the
 * type changes; once `schema.gen.ts` has these paths, use `apiClient` and remove this file.
 */
export const stackClient = apiClient as unknown as Client<StackApiPaths>;
