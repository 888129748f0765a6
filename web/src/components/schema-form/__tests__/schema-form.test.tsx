import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { JsonSchema } from '@/api/types';

import { SchemaForm } from '../schema-form';

const schema: JsonSchema = {
  type: 'object',
  required: ['timezone'],
  properties: {
    timezone: { type: 'string', title: 'Time zone', default: 'UTC' },
    replicas: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
    logLevel: { type: 'string', enum: ['info', 'debug'], default: 'info' },
    persistence: {
      type: 'object',
      title: 'Persistence',
      properties: {
        enabled: { type: 'boolean', title: 'Keep data', default: true },
        size: { type: 'string', title: 'Size', default: '5Gi' },
      },
    },
    auth: {
      type: 'object',
      title: 'Authentication',
      properties: { password: { type: 'string', format: 'password', title: 'Admin password' } },
    },
  },
};

function setup(props: Partial<Parameters<typeof SchemaForm>[0]> = {}) {
  const onSubmit = vi.fn();
  const user = userEvent.setup();
  const utils = render(
    <>
      <SchemaForm id="f" schema={schema} onSubmit={onSubmit} {...props} />
      <button type="submit" form="f">
        Submit
      </button>
    </>,
  );
  return { ...utils, onSubmit, user };
}

describe('SchemaForm', () => {
  it('renders a control per field, nested objects as labelled groups, with defaults filled', () => {
    setup({ defaults: { persistence: { size: '20Gi' } } });
    expect(screen.getByLabelText(/Time zone/)).toHaveValue('UTC');
    expect(screen.getByLabelText('Replicas')).toHaveValue(1);
    expect(screen.getByLabelText('Log level')).toHaveDisplayValue('info');

    const persistence = screen.getByRole('group', { name: 'Persistence' });
    expect(within(persistence).getByLabelText('Keep data')).toBeChecked();
    // chart default values win over schema defaults
    expect(within(persistence).getByLabelText('Size')).toHaveValue('20Gi');

    const password = within(screen.getByRole('group', { name: 'Authentication' })).getByLabelText(
      'Admin password',
    );
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveValue('');
  });

  it('submits the values object built from the inputs', async () => {
    const { user, onSubmit } = setup();
    await user.clear(screen.getByLabelText('Replicas'));
    await user.type(screen.getByLabelText('Replicas'), '2');
    await user.selectOptions(screen.getByLabelText('Log level'), 'debug');
    await user.click(screen.getByLabelText('Keep data'));
    await user.type(screen.getByLabelText('Admin password'), 'hunter22');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(onSubmit).toHaveBeenCalledOnce();
    expect(onSubmit).toHaveBeenCalledWith({
      timezone: 'UTC',
      replicas: 2,
      logLevel: 'debug',
      persistence: { enabled: false, size: '5Gi' },
      auth: { password: 'hunter22' },
    });
  });

  it('shows client-side errors next to the field and does not submit', async () => {
    const { user, onSubmit } = setup();
    await user.clear(screen.getByLabelText(/Time zone/));
    await user.clear(screen.getByLabelText('Replicas'));
    await user.type(screen.getByLabelText('Replicas'), '9');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(onSubmit).not.toHaveBeenCalled();
    const timezone = screen.getByLabelText(/Time zone/);
    expect(timezone).toHaveAttribute('aria-invalid', 'true');
    expect(timezone).toHaveAccessibleDescription('This field is required.');
    expect(timezone).toHaveFocus();
    expect(screen.getByLabelText('Replicas')).toHaveAccessibleDescription(
      expect.stringContaining('Must be at most 3.') as string,
    );

    // fixing the field clears its error
    await user.type(timezone, 'Europe/Paris');
    expect(timezone).not.toHaveAttribute('aria-invalid');
  });

  it('shows server errors next to the named field', () => {
    setup({ serverErrors: { 'persistence.size': 'Size must look like 10Gi.' } });
    const size = screen.getByLabelText('Size');
    expect(size).toHaveAttribute('aria-invalid', 'true');
    expect(size).toHaveAccessibleDescription('Size must look like 10Gi.');
    expect(size).toHaveFocus();
  });

  it('says so when the chart has nothing to configure', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(
      <>
        <SchemaForm id="f" schema={null} onSubmit={onSubmit} />
        <button type="submit" form="f">
          Submit
        </button>
      </>,
    );
    expect(screen.getByText(/no settings to choose/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(onSubmit).toHaveBeenCalledWith({});
  });
});
