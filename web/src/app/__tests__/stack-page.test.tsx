import { act, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { useAppStatusStream } from '@/features/apps/hooks/use-app-status-stream';
import { graph, sonarrToQbit } from '@/features/stack/components/__tests__/wiring-fixtures';
import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import StackRoute from '../routes/stack';

class FakeEventSource {
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = 1;
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
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data: unknown) {
    const event = new MessageEvent(type, { data: JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** The Stack page under the layout's one event stream. */
function StackWithStream() {
  useAppStatusStream();
  return <StackRoute />;
}

describe('Stack page', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });

  it('refetches the wiring when a `wiring` event arrives', async () => {
    let state: 'failed' | 'ok' = 'failed';
    const { calls } = mockFetch([
      { path: '/api/stack/wiring', reply: () => ({ body: graph([{ ...sonarrToQbit, state }]) }) },
    ]);
    renderWithProviders(<StackWithStream />, {
      user: makeUser({ permissions: ['apps.view', 'apps.upgrade'] }),
    });
    expect(await screen.findByRole('heading', { name: 'Stack' })).toBeInTheDocument();
    expect(
      (await screen.findAllByRole('button', { name: /Sonarr → qBittorrent.*: Failed/ })).length,
    ).toBeGreaterThan(0);

    state = 'ok';
    act(() => FakeEventSource.instances[0]?.emit('wiring', { ...sonarrToQbit, state: 'ok' }));
    expect(
      (await screen.findAllByRole('button', { name: /Sonarr → qBittorrent.*: Connected/ })).length,
    ).toBeGreaterThan(0);
    expect(calls.filter((call) => call.path === '/api/stack/wiring')).toHaveLength(2);
  });
});
