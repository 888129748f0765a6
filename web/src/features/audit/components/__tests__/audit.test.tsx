import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AuditEntry } from '@/api/types';
import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import {
  actionLabel,
  filtersFromParams,
  formatDetails,
  fromLocalInput,
  paramsFromFilters,
  toLocalInput,
} from '../audit-filters-model';
import { AuditView } from '../audit-view';

const entry = (id: number, action: string, details: AuditEntry['details'] = null): AuditEntry => ({
  id,
  action,
  resource_type: 'app',
  resource_id: 'sonarr',
  user_id: 1,
  username: 'admin',
  ip_address: '127.0.0.1',
  details,
  created_at: '2026-01-01T12:00:00Z',
});

describe('audit filters', () => {
  it('reads filters from the URL, ignoring junk', () => {
    expect(
      filtersFromParams(
        new URLSearchParams('action=login_failed&user_id=3&since=2026-01-01T00:00:00Z&until=bad'),
      ),
    ).toEqual({ action: 'login_failed', user_id: 3, since: '2026-01-01T00:00:00.000Z' });
    expect(filtersFromParams(new URLSearchParams('user_id=-1'))).toEqual({});
    expect(paramsFromFilters({ action: 'logout', user_id: 2 })).toEqual({
      action: 'logout',
      user_id: '2',
    });
  });

  it('converts between datetime-local values and UTC', () => {
    const iso = fromLocalInput('2026-03-04T05:06');
    expect(iso).toBe(new Date(2026, 2, 4, 5, 6).toISOString());
    expect(toLocalInput(iso)).toBe('2026-03-04T05:06');
    expect(fromLocalInput('')).toBeUndefined();
  });

  it('labels actions and pretty-prints details', () => {
    expect(actionLabel('two_factor_enabled')).toBe('Two factor enabled');
    expect(formatDetails({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatDetails(null)).toBe('');
  });
});

describe('AuditView', () => {
  it('filters through the URL, pages with the cursor and expands details', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/audit',
        reply: (request) =>
          request.path.includes('cursor=next')
            ? { body: { items: [entry(1, 'app_installed')], next_cursor: null } }
            : {
                body: {
                  items: [entry(2, 'login_failed', { reason: 'bad password' })],
                  next_cursor: 'next',
                },
              },
      },
    ]);
    const { user, router } = renderWithProviders(
      <AuditView users={[{ id: 1, username: 'admin' }]} />,
      {
        user: makeUser({ permissions: ['audit.view'] }),
        route: '/audit?action=login_failed',
        path: '/audit',
      },
    );
    expect(await screen.findByText('Login failed', { selector: 'span' })).toBeInTheDocument();
    expect(calls[0]?.path).toBe('/api/audit?action=login_failed&limit=50');

    await user.click(screen.getByRole('button', { name: /^Details/ }));
    expect(screen.getByText(/"reason": "bad password"/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Hide/ })).toHaveAttribute('aria-expanded', 'true');

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('App installed', { selector: 'span' })).toBeInTheDocument();
    expect(calls[1]?.path).toBe('/api/audit?action=login_failed&limit=50&cursor=next');
    expect(screen.getByText('That is everything that matches.')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('User'), '1');
    await waitFor(() =>
      expect(router.state.location.search).toBe('?action=login_failed&user_id=1'),
    );
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('offers a user id field when users cannot be listed', async () => {
    mockFetch([{ path: '/api/audit', reply: { body: { items: [], next_cursor: null } } }]);
    renderWithProviders(<AuditView users={undefined} />, {
      user: makeUser({ permissions: ['audit.view'] }),
      route: '/audit',
    });
    expect(await screen.findByText('Nothing has been recorded yet.')).toBeInTheDocument();
    expect(screen.getByLabelText('User id')).toBeInTheDocument();
  });
});
