import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AppState } from '@/api/types';
import { StatusBadge, statusInfo, type StatusTone } from '@/components/ui/status-badge';

const expected: [AppState, string, StatusTone, boolean][] = [
  ['not_installed', 'Not installed', 'neutral', false],
  ['installing', 'Installing', 'progress', true],
  ['installed', 'Running', 'success', false],
  ['degraded', 'Degraded', 'warning', false],
  ['upgrading', 'Upgrading', 'progress', true],
  ['uninstalling', 'Uninstalling', 'progress', true],
  ['error', 'Error', 'danger', false],
];

describe('StatusBadge', () => {
  it.each(expected)('shows %s as "%s" (%s)', (state, label, tone, busy) => {
    expect(statusInfo(state)).toEqual({ label, tone, busy });
    render(<StatusBadge state={state} />);
    const badge = screen.getByText(label);
    expect(badge).toHaveAttribute('data-tone', tone);
  });

  it('covers every state of the contract', () => {
    expect(expected.map(([state]) => state).sort()).toEqual([
      'degraded',
      'error',
      'installed',
      'installing',
      'not_installed',
      'uninstalling',
      'upgrading',
    ]);
  });

  it('shows an unknown state from a newer server neutrally instead of crashing', () => {
    expect(statusInfo('rolling_back')).toEqual({
      label: 'rolling back',
      tone: 'neutral',
      busy: false,
    });
    expect(statusInfo('toString').tone).toBe('neutral');
    render(<StatusBadge state="rolling_back" />);
    expect(screen.getByText('rolling back')).toHaveAttribute('data-tone', 'neutral');
  });
});
