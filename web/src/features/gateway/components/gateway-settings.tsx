import { useState } from 'react';

import { isAccessMode } from '@/api/enums';
import type { GatewayAppAccess, GatewayOverview } from '@/api/types';
import { SectionCard } from '@/components/section-card';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { FieldError } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';

import { useClearAppCredentials } from '../api/clear-app-credentials';
import { useGateway } from '../api/get-gateway';
import { useSetAppAccess } from '../api/set-app-access';
import { ACCESS_MODES, accessModeInfo } from './access-modes';
import { AppCredentialsForm } from './app-credentials-form';

function SetUp({ gateway }: { gateway: GatewayOverview }) {
  if (!gateway.enabled) {
    return (
      <Alert tone="info" title="The gateway is off">
        Apps cannot be opened through Kubarr until an administrator sets{' '}
        <code className="font-mono">gateway.listen</code> and{' '}
        <code className="font-mono">gateway.apps_domain</code> (or{' '}
        <code className="font-mono">gateway.port_range</code>) in Kubarr’s configuration.
      </Alert>
    );
  }
  const host = gateway.mode === 'host';
  const record = host && gateway.apps_domain ? `*.${gateway.apps_domain}` : null;
  return (
    <div className="space-y-3">
      <dl className="grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Mode</dt>
          <dd className="font-medium text-zinc-900 dark:text-zinc-100">
            {host
              ? 'Host names: each app at <app>.<apps domain>'
              : 'Ports: each app on a port of its own'}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">
            {host ? 'Apps domain' : 'Port range'}
          </dt>
          <dd className="font-mono text-zinc-900 dark:text-zinc-100">
            {(host ? gateway.apps_domain : gateway.port_range) ?? '—'}
          </dd>
        </div>
      </dl>
      {gateway.dns_hint && (
        <div className="rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:ring-zinc-800">
          <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">Add to your DNS</p>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="dns-hint">
            {gateway.dns_hint}
          </p>
          {record && (
            <div className="mt-2 flex items-center gap-2">
              <code className="rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700">
                {record}
              </code>
              <CopyButton text={record} label="Copy name" aria-label={`Copy ${record}`} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function AccessSelect({ app, readOnly }: { app: GatewayAppAccess; readOnly: boolean }) {
  const change = useSetAppAccess();
  const id = `access-${app.name}`;
  const pendingMode = change.isPending ? change.variables.mode : undefined;
  const shown = pendingMode ?? app.access_mode;
  const error = change.error ? errorMessage(change.error) : undefined;
  return (
    <div className="min-w-48 space-y-1">
      <Select
        id={id}
        aria-label={`Access to ${app.name}`}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        value={shown}
        disabled={readOnly || change.isPending}
        onChange={(event) => {
          const mode = event.target.value;
          if (isAccessMode(mode) && mode !== app.access_mode) {
            change.mutate({ app: app.name, mode });
          }
        }}
      >
        {ACCESS_MODES.map((m) => (
          <option key={m.mode} value={m.mode} disabled={m.mode === 'native' && app.trusts_gateway}>
            {m.label}
          </option>
        ))}
      </Select>
      <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
        {accessModeInfo(shown).explanation}
        {app.trusts_gateway &&
          ' This app signs people in through Kubarr only, so it has no native mode.'}
      </p>
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
    </div>
  );
}

function Credentials({ app, readOnly }: { app: GatewayAppAccess; readOnly: boolean }) {
  const [editing, setEditing] = useState(false);
  const clear = useClearAppCredentials();
  return (
    <div className="min-w-56">
      <div className="flex flex-wrap items-center gap-2">
        <span
          className="text-sm font-medium text-zinc-900 dark:text-zinc-100"
          data-testid={`credentials-${app.name}`}
        >
          {app.credentials_set ? 'Set' : 'Not set'}
        </span>
        {!readOnly && !editing && (
          <Button
            variant="secondary"
            size="sm"
            aria-label={`${app.credentials_set ? 'Replace' : 'Set'} credentials for ${app.name}`}
            onClick={() => {
              clear.reset();
              setEditing(true);
            }}
          >
            {app.credentials_set ? 'Replace' : 'Set'}
          </Button>
        )}
        {!readOnly && !editing && app.credentials_set && (
          <Button
            variant="ghost"
            size="sm"
            loading={clear.isPending}
            aria-label={`Clear credentials for ${app.name}`}
            onClick={() => clear.mutate(app.name)}
          >
            Clear
          </Button>
        )}
      </div>
      {clear.error && <FieldError>{errorMessage(clear.error)}</FieldError>}
      {editing && <AppCredentialsForm app={app.name} onDone={() => setEditing(false)} />}
    </div>
  );
}

/**
 * The app gateway: how it is set up (host or port mode, what DNS needs), and per installed app
 * its access mode, origin and the credentials the gateway presents to it. Seen with
 * settings.view; changed with settings.manage.
 */
export function GatewaySettings({ readOnly }: { readOnly: boolean }) {
  const gateway = useGateway();
  return (
    <SectionCard
      title="App gateway"
      description="Every installed app opens through Kubarr on an address of its own."
    >
      {gateway.isPending ? (
        <PageSpinner label="Loading the gateway" />
      ) : gateway.isError ? (
        <Alert title="Could not load the gateway">{errorMessage(gateway.error)}</Alert>
      ) : (
        <div className="space-y-5">
          <SetUp gateway={gateway.data} />
          <ul className="space-y-1 text-sm text-zinc-600 dark:text-zinc-400">
            {ACCESS_MODES.map((m) => (
              <li key={m.mode}>
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{m.label}</span>:{' '}
                {m.explanation}
              </li>
            ))}
          </ul>
          {gateway.data.apps.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No apps are installed yet.</p>
          ) : (
            <Table>
              <TableCaption>Access to each app</TableCaption>
              <THead>
                <TR>
                  <TH>App</TH>
                  <TH>Access</TH>
                  <TH>Address</TH>
                  <TH>App credentials</TH>
                </TR>
              </THead>
              <TBody>
                {gateway.data.apps.map((app) => (
                  <TR key={app.name}>
                    <TD className="align-top font-medium text-zinc-900 dark:text-zinc-100">
                      {app.name}
                    </TD>
                    <TD className="align-top">
                      <AccessSelect app={app} readOnly={readOnly} />
                    </TD>
                    <TD className="align-top font-mono text-xs break-all">
                      {app.origin ?? (
                        <span className="font-sans text-zinc-500 dark:text-zinc-400">
                          {gateway.data.enabled ? 'Given a port when first opened' : '—'}
                        </span>
                      )}
                    </TD>
                    <TD className="align-top">
                      <Credentials app={app} readOnly={readOnly} />
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </div>
      )}
    </SectionCard>
  );
}
