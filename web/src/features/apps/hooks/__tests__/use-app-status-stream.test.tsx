import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { queryKeys } from '@/api/query-keys';
import type { InstalledApp } from '@/api/types';
import { createTestQueryClient } from '@/testing/test-utils';

import {
  applyAppStatusEvent,
  parseAppStatusEvent,
  useAppStatusStream,
} from '../use-app-status-stream';

const app = (name: string, overrides: Partial<InstalledApp> = {}): InstalledApp => ({
  name,
  state: 'installing',
  message: 'Waiting for pods',
  version: '1.0.0',
  app_version: '4.0.0',
  namespace: name,
  ready_pods: 0,
  total_pods: 1,
  updated_at: '2026-03-01T12:00:00Z',
  stale: false,
  ...overrides,
});

describe('parseAppStatusEvent', () => {
  it('accepts a well-formed event and rejects anything else', () => {
    expect(
      parseAppStatusEvent('{"name":"sonarr","state":"installed","message":"Running"}'),
    ).toEqual({
      name: 'sonarr',
      state: 'installed',
      message: 'Running',
    });
    expect(parseAppStatusEvent('{"name":"sonarr","state":"exploded"}')).toBeNull();
    expect(parseAppStatusEvent('not json')).toBeNull();
    expect(parseAppStatusEvent('null')).toBeNull();
  });
});

describe('applyAppStatusEvent', () => {
  const list = [app('radarr', { state: 'installed', message: 'Running' }), app('sonarr')];

  it('patches the state and message of the named app', () => {
    const { apps, needsRefetch } = applyAppStatusEvent(list, {
      name: 'sonarr',
      state: 'degraded',
      message: '1 of 2 pods not ready: CrashLoopBackOff',
    });
    expect(needsRefetch).toBe(false);
    expect(apps?.[1]).toMatchObject({
      state: 'degraded',
      message: '1 of 2 pods not ready: CrashLoopBackOff',
    });
    expect(apps?.[0]).toBe(list[0]);
  });

  it('keeps the same array when nothing changes', () => {
    const { apps } = applyAppStatusEvent(list, {
      name: 'radarr',
      state: 'installed',
      message: 'Running',
    });
    expect(apps).toBe(list);
  });

  it('drops an app that became not_installed, and asks for a refetch for an unknown one', () => {
    expect(
      applyAppStatusEvent(list, { name: 'sonarr', state: 'not_installed', message: '' }).apps,
    ).toHaveLength(1);
    expect(
      applyAppStatusEvent(list, { name: 'lidarr', state: 'installing', message: '' }).needsRefetch,
    ).toBe(true);
    expect(applyAppStatusEvent(undefined, { name: 'x', state: 'installing', message: '' })).toEqual(
      {
        apps: undefined,
        needsRefetch: false,
      },
    );
  });
});

class FakeEventSource {
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = 1;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data: unknown) {
    const event = new MessageEvent(type, { data: JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

describe('useAppStatusStream', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes to /api/events/stream and patches the cached app list live', () => {
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(queryKeys.appsList, [app('sonarr')]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { unmount } = renderHook(() => useAppStatusStream(), { wrapper });

    const source = FakeEventSource.instances[0];
    expect(source?.url).toBe('/api/events/stream');
    act(() =>
      source?.emit('app_status', { name: 'sonarr', state: 'installed', message: 'Running' }),
    );
    expect(queryClient.getQueryData<InstalledApp[]>(queryKeys.appsList)?.[0]).toMatchObject({
      state: 'installed',
      message: 'Running',
      ready_pods: 1,
      total_pods: 1,
    });

    unmount();
    expect(source?.closed).toBe(true);
  });
});

describe('useAppStatusStream and the stack wiring', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refetches the stack wiring once per burst of `wiring` events, on the same stream', async () => {
    vi.useFakeTimers();
    const queryClient = createTestQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const { unmount } = renderHook(() => useAppStatusStream(), { wrapper });
    expect(FakeEventSource.instances).toHaveLength(1);
    const source = FakeEventSource.instances[0];

    const spy = vi.spyOn(queryClient, 'invalidateQueries');
    act(() => {
      source?.emit('wiring', { id: 'sonarr:download-client:qbittorrent', state: 'ok' });
      source?.emit('wiring', { id: 'radarr:download-client:qbittorrent', removed: true });
    });
    expect(spy).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(300);
    });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith({ queryKey: queryKeys.stack });
    unmount();
  });
});
