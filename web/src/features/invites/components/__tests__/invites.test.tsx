import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Invite } from '@/api/types';
import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { CreateInviteForm, inviteLink } from '../create-invite-form';
import { InvitesList, inviteStatus } from '../invites-list';

const manager = makeUser({ permissions: ['users.view', 'users.manage'] });
const invite = (overrides: Partial<Invite>): Invite => ({
  id: 'a'.repeat(64),
  email: null,
  created_by: 1,
  created_at: '2026-01-01T00:00:00Z',
  expires_at: '2999-01-01T00:00:00Z',
  used: false,
  used_by: null,
  used_at: null,
  ...overrides,
});

describe('invites', () => {
  it('builds the registration link on this origin unless the server gives a full URL', () => {
    expect(inviteLink({ url: '/register?invite=tok', token: 'tok' }, 'http://nas:8080')).toBe(
      'http://nas:8080/register?invite=tok',
    );
    expect(
      inviteLink({ url: 'https://kubarr.example/register?invite=t', token: 't' }, 'http://x'),
    ).toBe('https://kubarr.example/register?invite=t');
  });

  it('tells open, used and expired invites apart', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(inviteStatus(invite({}), now)).toBe('open');
    expect(inviteStatus(invite({ used: true }), now)).toBe('used');
    expect(inviteStatus(invite({ expires_at: '2026-05-01T00:00:00Z' }), now)).toBe('expired');
  });

  it('creates an invite with an optional email and expiry, and shows its link once', async () => {
    const { calls } = mockFetch([
      {
        method: 'POST',
        path: '/api/invites',
        reply: {
          status: 201,
          body: {
            id: 'b'.repeat(64),
            token: 'kbi_secret',
            url: '/register?invite=kbi_secret',
            expires_at: '2026-01-02T00:00:00Z',
            email: 'dan@example.test',
          },
        },
      },
      { path: '/api/invites', reply: { body: { items: [], next_cursor: null } } },
    ]);
    const { user } = renderWithProviders(<CreateInviteForm />, { user: manager });
    await user.type(screen.getByLabelText('Email (optional)'), 'not an email');
    await user.click(screen.getByRole('button', { name: 'Create invite' }));
    expect(screen.getByLabelText('Email (optional)')).toHaveAccessibleDescription(
      /Enter a valid email address/,
    );
    await user.clear(screen.getByLabelText('Email (optional)'));
    await user.type(screen.getByLabelText('Email (optional)'), 'dan@example.test');
    await user.selectOptions(screen.getByLabelText('Expires after'), '24');
    await user.click(screen.getByRole('button', { name: 'Create invite' }));
    const link = await screen.findByLabelText('Invite link');
    expect(link).toHaveValue(`${window.location.origin}/register?invite=kbi_secret`);
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'dan@example.test',
      expires_in_hours: 24,
    });
  });

  it('lists invites and revokes one after confirmation', async () => {
    let items = [invite({ email: 'eve@example.test' }), invite({ id: 'c'.repeat(64), used: true })];
    const { calls } = mockFetch([
      { path: '/api/invites', reply: () => ({ body: { items, next_cursor: null } }) },
      {
        method: 'DELETE',
        path: `/api/invites/${'a'.repeat(64)}`,
        reply: () => {
          items = items.slice(1);
          return { status: 204 };
        },
      },
    ]);
    const { user } = renderWithProviders(<InvitesList />, { user: manager });
    const row = (await screen.findByText('eve@example.test')).closest('tr')!;
    expect(within(row).getByText('Open')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /Revoke the invite/ })).toHaveLength(1);
    await user.click(within(row).getByRole('button', { name: /Revoke the invite/ }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Revoke this invite?' })).getByRole('button', {
        name: 'Revoke',
      }),
    );
    await waitFor(() => expect(screen.queryByText('eve@example.test')).not.toBeInTheDocument());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });
});
