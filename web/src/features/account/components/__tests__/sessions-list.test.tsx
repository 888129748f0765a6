import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SessionInfo } from '@/api/types';
import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { SessionsList } from '../sessions-list';

const base = {
  created_at: '2026-01-01T00:00:00Z',
  last_accessed_at: '2026-01-01T01:00:00Z',
  expires_at: '2026-01-08T00:00:00Z',
};
const sessions: SessionInfo[] = [
  {
    ...base,
    id: 'other',
    user_agent: 'Mozilla/5.0 (Android 14; Mobile; rv:120.0) Gecko/120.0 Firefox/120.0',
    ip_address: '192.168.1.20',
    current: false,
  },
  {
    ...base,
    id: 'this',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
    ip_address: '127.0.0.1',
    current: true,
  },
];

describe('SessionsList', () => {
  it('lists this device first and signs out another session after confirmation', async () => {
    let list = sessions;
    const { calls } = mockFetch([
      { path: '/api/auth/sessions', reply: () => ({ body: list }) },
      {
        method: 'DELETE',
        path: '/api/auth/sessions/other',
        reply: () => {
          list = sessions.filter((s) => s.id !== 'other');
          return { status: 204 };
        },
      },
    ]);
    const { user } = renderWithProviders(<SessionsList />, { user: makeUser() });
    const items = await screen.findAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Chrome on Linux');
    expect(items[0]).toHaveTextContent('This device');
    expect(within(items[0]!).queryByRole('button')).not.toBeInTheDocument();
    expect(items[1]).toHaveTextContent('Firefox on Android');

    await user.click(within(items[1]!).getByRole('button', { name: /Sign out the session/ }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out this session?' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/auth/sessions/other')).toBe(
      true,
    );
  });
});
