import { Fragment, useId, useState } from 'react';
import { useSearchParams } from 'react-router';

import type { AuditEntry, AuditFilters } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';

import { useAudit } from '../api/get-audit';
import {
  actionLabel,
  AUDIT_ACTIONS,
  filtersFromParams,
  formatDetails,
  fromLocalInput,
  isFailure,
  paramsFromFilters,
  toLocalInput,
} from './audit-filters-model';

export interface AuditUserOption {
  id: number;
  username: string;
}

const RANGES = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
];

function Filters({
  filters,
  users,
  onChange,
}: {
  filters: AuditFilters;
  /** People to filter by; when absent (no users.view) a user id can be typed. */
  users: AuditUserOption[] | undefined;
  onChange: (filters: AuditFilters) => void;
}) {
  // Empty values drop out of the URL (paramsFromFilters skips them).
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  const any = Object.keys(filters).length > 0;

  return (
    <div className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="Action">
          {(control) => (
            <Select
              {...control}
              value={filters.action ?? ''}
              onChange={(event) => set({ action: event.target.value || undefined })}
            >
              <option value="">Any action</option>
              {AUDIT_ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {actionLabel(action)}
                </option>
              ))}
              {filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action) && (
                <option value={filters.action}>{actionLabel(filters.action)}</option>
              )}
            </Select>
          )}
        </Field>
        {users ? (
          <Field label="User">
            {(control) => (
              <Select
                {...control}
                value={filters.user_id ?? ''}
                onChange={(event) =>
                  set({ user_id: event.target.value ? Number(event.target.value) : undefined })
                }
              >
                <option value="">Anyone</option>
                {users.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.username}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : (
          <Field label="User id">
            {(control) => (
              <Input
                {...control}
                type="number"
                min={1}
                inputMode="numeric"
                value={filters.user_id ?? ''}
                onChange={(event) => {
                  const id = Number.parseInt(event.target.value, 10);
                  set({ user_id: Number.isSafeInteger(id) && id > 0 ? id : undefined });
                }}
              />
            )}
          </Field>
        )}
        <Field label="From">
          {(control) => (
            <Input
              {...control}
              type="datetime-local"
              value={toLocalInput(filters.since)}
              onChange={(event) => set({ since: fromLocalInput(event.target.value) })}
            />
          )}
        </Field>
        <Field label="Until">
          {(control) => (
            <Input
              {...control}
              type="datetime-local"
              value={toLocalInput(filters.until)}
              onChange={(event) => set({ until: fromLocalInput(event.target.value) })}
            />
          )}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs text-zinc-500 dark:text-zinc-400">Quick range:</span>
        {RANGES.map((range) => (
          <Button
            key={range.hours}
            variant="secondary"
            size="sm"
            onClick={() =>
              set({
                since: new Date(Date.now() - range.hours * 3_600_000).toISOString(),
                until: undefined,
              })
            }
          >
            {range.label}
          </Button>
        ))}
        {any && (
          <Button variant="ghost" size="sm" onClick={() => onChange({})}>
            Clear filters
          </Button>
        )}
      </div>
    </div>
  );
}

function EntryRows({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const details = formatDetails(entry.details);
  return (
    <Fragment>
      <TR>
        <TD className="whitespace-nowrap tabular-nums">
          <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
        </TD>
        <TD>{entry.username ?? (entry.user_id != null ? `#${entry.user_id}` : '—')}</TD>
        <TD>
          <span
            className={cn(
              'rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap',
              isFailure(entry.action)
                ? 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200'
                : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
            )}
          >
            {actionLabel(entry.action)}
          </span>
        </TD>
        <TD className="text-xs">
          {entry.resource_type}
          {entry.resource_id && (
            <span
              className="block max-w-48 truncate font-mono text-zinc-500"
              title={entry.resource_id}
            >
              {entry.resource_id}
            </span>
          )}
        </TD>
        <TD className="font-mono text-xs">{entry.ip_address ?? '—'}</TD>
        <TD className="text-right">
          {details ? (
            <Button
              variant="ghost"
              size="sm"
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen((value) => !value)}
            >
              {open ? 'Hide' : 'Details'}
              <span className="sr-only">
                {' '}
                of {actionLabel(entry.action)} at {formatDateTime(entry.created_at)}
              </span>
            </Button>
          ) : (
            <span className="text-xs text-zinc-400">—</span>
          )}
        </TD>
      </TR>
      {open && (
        <tr id={detailsId}>
          <td colSpan={6} className="bg-zinc-50 px-3 py-2 dark:bg-zinc-900">
            <pre className="max-h-80 overflow-auto font-mono text-xs whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
              {details}
            </pre>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The audit log with filters kept in the URL and cursor pagination ("Load more"). */
export function AuditView({ users }: { users: AuditUserOption[] | undefined }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const audit = useAudit(filters);

  return (
    <div className="space-y-4">
      <Filters
        filters={filters}
        users={users}
        onChange={(next) => setParams(paramsFromFilters(next), { replace: true })}
      />
      {audit.isPending ? (
        <PageSpinner label="Loading the audit log" />
      ) : !audit.data ? (
        <Alert title="Could not load the audit log">{errorMessage(audit.error)}</Alert>
      ) : audit.data.pages[0]?.items.length === 0 ? (
        <EmptyState
          title="No entries"
          description={
            Object.keys(filters).length > 0
              ? 'Nothing matches these filters.'
              : 'Nothing has been recorded yet.'
          }
        />
      ) : (
        <>
          <Table>
            <TableCaption>Audit log, newest first</TableCaption>
            <THead>
              <tr>
                <TH>Time</TH>
                <TH>User</TH>
                <TH>Action</TH>
                <TH>Resource</TH>
                <TH>Address</TH>
                <TH>
                  <span className="sr-only">Details</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {audit.data.pages.flatMap((page) =>
                page.items.map((entry) => <EntryRows key={entry.id} entry={entry} />),
              )}
            </TBody>
          </Table>
          {audit.isFetchNextPageError && (
            <Alert title="Could not load more entries">{errorMessage(audit.error)}</Alert>
          )}
          {audit.hasNextPage ? (
            <div className="flex justify-center">
              <Button
                variant="secondary"
                loading={audit.isFetchingNextPage}
                onClick={() => void audit.fetchNextPage()}
              >
                Load more
              </Button>
            </div>
          ) : (
            <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">
              That is everything{Object.keys(filters).length > 0 ? ' that matches' : ''}.
            </p>
          )}
        </>
      )}
    </div>
  );
}
