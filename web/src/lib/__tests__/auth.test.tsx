import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { Authorized, can, canForAnyApp } from '@/lib/auth';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

describe('can (global or for that app)', () => {
  const operatorForSonarr = makeUser({
    permissions: ['apps.view', 'logs.view'],
    app_permissions: { sonarr: ['apps.install', 'apps.restart'], radarr: ['apps.delete'] },
  });

  it('allows a global permission for any app and without an app', () => {
    expect(can(operatorForSonarr, 'apps.view')).toBe(true);
    expect(can(operatorForSonarr, 'apps.view', 'jellyfin')).toBe(true);
    expect(can(operatorForSonarr, 'logs.view', 'sonarr')).toBe(true);
  });

  it('allows a per-app grant only for that app', () => {
    expect(can(operatorForSonarr, 'apps.install', 'sonarr')).toBe(true);
    expect(can(operatorForSonarr, 'apps.install', 'radarr')).toBe(false);
    expect(can(operatorForSonarr, 'apps.delete', 'radarr')).toBe(true);
    expect(can(operatorForSonarr, 'apps.delete', 'sonarr')).toBe(false);
  });

  it('does not treat a per-app grant as global', () => {
    expect(can(operatorForSonarr, 'apps.install')).toBe(false);
  });

  it('denies what is held nowhere, and everything without a user', () => {
    expect(can(operatorForSonarr, 'users.manage')).toBe(false);
    expect(can(operatorForSonarr, 'apps.upgrade', 'sonarr')).toBe(false);
    expect(can(null, 'apps.view')).toBe(false);
    expect(can(undefined, 'apps.view', 'sonarr')).toBe(false);
  });

  it('is not fooled by app names that are object properties', () => {
    expect(can(operatorForSonarr, 'apps.install', 'constructor')).toBe(false);
    expect(can(operatorForSonarr, 'apps.install', '__proto__')).toBe(false);
  });

  it('canForAnyApp accepts a global permission or a grant for some app', () => {
    expect(canForAnyApp(operatorForSonarr, 'apps.install')).toBe(true);
    expect(canForAnyApp(operatorForSonarr, 'apps.view')).toBe(true);
    expect(canForAnyApp(operatorForSonarr, 'apps.upgrade')).toBe(false);
    expect(canForAnyApp(null, 'apps.view')).toBe(false);
  });
});

describe('<Authorized>', () => {
  const viewer = makeUser({
    permissions: ['apps.view'],
    app_permissions: { sonarr: ['apps.restart'] },
  });

  it('renders children only when allowed, else the fallback', () => {
    renderWithProviders(
      <>
        <Authorized permission="apps.view">
          <p>can view</p>
        </Authorized>
        <Authorized permission="apps.install" fallback={<p>no install</p>}>
          <p>can install</p>
        </Authorized>
        <Authorized permission="apps.restart" app="sonarr">
          <p>restart sonarr</p>
        </Authorized>
        <Authorized permission="apps.restart" app="radarr">
          <p>restart radarr</p>
        </Authorized>
      </>,
      { user: viewer },
    );
    expect(screen.getByText('can view')).toBeInTheDocument();
    expect(screen.getByText('no install')).toBeInTheDocument();
    expect(screen.queryByText('can install')).not.toBeInTheDocument();
    expect(screen.getByText('restart sonarr')).toBeInTheDocument();
    expect(screen.queryByText('restart radarr')).not.toBeInTheDocument();
  });
});
