import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { LogStream } from '@/features/apps/hooks/use-log-stream';
import { LogStatusBar } from '../log-status-bar';

function stream(overrides: Partial<LogStream> = {}): LogStream {
  return {
    status: 'streaming',
    error: null,
    lines: [{ id: 1, text: 'one' }],
    pending: [],
    dropped: 0,
    paused: false,
    pause: vi.fn(),
    resume: vi.fn(),
    clear: vi.fn(),
    reload: vi.fn(),
    ...overrides,
  };
}

describe('LogStatusBar', () => {
  it('says Live while following, Paused with the waiting lines when paused', () => {
    const { rerender } = render(<LogStatusBar stream={stream()} follow maxLines={5000} />);
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(screen.getByText('1 line')).toBeInTheDocument();
    rerender(
      <LogStatusBar
        stream={stream({ paused: true, pending: [{ id: 2, text: 'two' }] })}
        follow
        maxLines={5000}
      />,
    );
    expect(screen.getByText(/Paused · 1 new lines waiting/)).toBeInTheDocument();
  });

  it('counts dropped lines against the bound', () => {
    render(<LogStatusBar stream={stream({ dropped: 1200 })} follow maxLines={5000} />);
    expect(screen.getByText(/1,200 older dropped \(keeps the last 5,000\)/)).toBeInTheDocument();
  });

  it('offers Reconnect after an error or when a followed stream ends', async () => {
    const failed = stream({ status: 'error', error: 'pod not found' });
    const { rerender } = render(<LogStatusBar stream={failed} follow maxLines={5000} />);
    expect(screen.getByText('Could not read the log')).toBeInTheDocument();
    expect(screen.getByText('pod not found')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(failed.reload).toHaveBeenCalledOnce();

    rerender(<LogStatusBar stream={stream({ status: 'ended' })} follow maxLines={5000} />);
    expect(screen.getByText('The log stream ended')).toBeInTheDocument();
    // A snapshot (not following) simply ends: nothing to reconnect.
    rerender(<LogStatusBar stream={stream({ status: 'ended' })} follow={false} maxLines={5000} />);
    expect(screen.getByText('Loaded')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reconnect' })).not.toBeInTheDocument();
  });
});
