import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { isAppState } from '@/api/enums';
import { queryKeys } from '@/api/query-keys';
import type { AppStatusEvent, InstalledApp } from '@/api/types';
import { apiHref } from '@/lib/api-client';

/** Reads an `app_status` event payload; null when it is not one. */
export function parseAppStatusEvent(data: string): AppStatusEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return null;
    const { name, state, message } = value as Record<string, unknown>;
    if (typeof name !== 'string' || !isAppState(state)) return null;
    return {
      name,
      state,
      message: typeof message === 'string' ? message : '',
    };
  } catch {
    return null;
  }
}

/**
 * Applies a status event to the cached app list. Returns the same array when nothing changed
 * (so React Query does not re-render), and `needsRefetch` when the list cannot be patched in
 * place (an app it does not know yet).
 */
export function applyAppStatusEvent(
  apps: InstalledApp[] | undefined,
  event: AppStatusEvent,
): { apps: InstalledApp[] | undefined; needsRefetch: boolean } {
  if (!apps) return { apps, needsRefetch: false };
  const index = apps.findIndex((app) => app.name === event.name);
  if (index < 0) return { apps, needsRefetch: event.state !== 'not_installed' };
  if (event.state === 'not_installed') {
    return { apps: apps.filter((app) => app.name !== event.name), needsRefetch: false };
  }
  const current = apps[index];
  if (!current || (current.state === event.state && current.message === event.message)) {
    return { apps, needsRefetch: false };
  }
  const next = [...apps];
  next[index] = {
    ...current,
    state: event.state,
    message: event.message,
    // `installed` means every pod is Ready (contract): show that now, before the resync.
    ready_pods: event.state === 'installed' ? current.total_pods : current.ready_pods,
  };
  return { apps: next, needsRefetch: false };
}

const RESYNC_DELAY_MS = 1500;
/** `wiring` events come in bursts (one per link an app change touches): one refetch per burst. */
const WIRING_REFRESH_DELAY_MS = 250;
const MAX_BACKOFF_MS = 30_000;

/**
 * Subscribes to GET /api/events/stream while mounted and patches the app list in the query cache
 * as `app_status` events arrive, so the dashboard changes without a reload. Shortly after a burst
 * of events it refetches the list (pod counts, versions) and the catalog (installed flags).
 *
 * The same stream carries `wiring` events (a stack link changed or went away): any of them
 * refetches the stack wiring (the Stack page, an app's connections), whose query key is shared.
 */
export function useAppStatusStream(enabled = true): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;

    let source: EventSource | null = null;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let resyncTimer: ReturnType<typeof setTimeout> | undefined;
    let wiringTimer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;

    const resyncSoon = () => {
      clearTimeout(resyncTimer);
      resyncTimer = setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.apps });
        void queryClient.invalidateQueries({ queryKey: queryKeys.catalogList });
      }, RESYNC_DELAY_MS);
    };

    const refreshWiringSoon = () => {
      clearTimeout(wiringTimer);
      wiringTimer = setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.stack });
      }, WIRING_REFRESH_DELAY_MS);
    };

    const onStatus = (event: MessageEvent<string>) => {
      const status = parseAppStatusEvent(event.data);
      if (!status) return;
      const result = applyAppStatusEvent(
        queryClient.getQueryData<InstalledApp[]>(queryKeys.appsList),
        status,
      );
      if (result.apps) queryClient.setQueryData<InstalledApp[]>(queryKeys.appsList, result.apps);
      if (result.needsRefetch) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.appsList });
      }
      resyncSoon();
    };

    const connect = () => {
      if (stopped) return;
      source = new EventSource(apiHref('/api/events/stream'));
      source.addEventListener('app_status', onStatus);
      source.addEventListener('wiring', refreshWiringSoon);
      source.addEventListener('open', () => {
        // Events may have been missed while disconnected: catch up.
        if (attempts > 0) {
          resyncSoon();
          refreshWiringSoon();
        }
        attempts = 0;
      });
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return; // the browser retries
        // The server refused the stream (e.g. 401): retry with backoff and re-check the session,
        // which sends the user to /login if it has ended.
        source.close();
        attempts += 1;
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
        reconnectTimer = setTimeout(connect, delay);
      });
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(resyncTimer);
      clearTimeout(wiringTimer);
      source?.close();
    };
  }, [enabled, queryClient]);
}
