import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { Menu } from '../menu';

describe('Menu', () => {
  it('opens from the keyboard, moves with arrows, chooses with Enter, closes with Escape', async () => {
    const edit = vi.fn();
    const remove = vi.fn();
    const { user } = renderWithProviders(
      <Menu
        label="Actions for bob"
        items={[
          { label: 'Edit', onSelect: edit },
          { label: 'Hidden', onSelect: vi.fn(), hidden: true },
          { label: 'Delete', onSelect: remove, disabled: true, disabledReason: 'Not allowed' },
        ]}
      />,
    );
    const button = screen.getByRole('button', { name: 'Actions for bob' });
    button.focus();
    await user.keyboard('{ArrowDown}');
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['Edit', 'DeleteNot allowed']);
    await vi.waitFor(() => expect(items[0]).toHaveFocus());
    await user.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(remove).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();

    await user.click(button);
    await user.click(screen.getByRole('menuitem', { name: 'Edit' }));
    expect(edit).toHaveBeenCalledOnce();
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
  });

  it('renders nothing when every item is hidden', () => {
    renderWithProviders(
      <Menu label="Nothing" items={[{ label: 'x', onSelect: vi.fn(), hidden: true }]} />,
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
