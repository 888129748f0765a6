import { useState, type ReactNode, type SubmitEvent } from 'react';

import type { MediaStorage, MediaStorageType, Setting, SettingValues } from '@/api/types';
import { SectionCard } from '@/components/section-card';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CheckboxField, Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { PageSpinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';
import { cn } from '@/lib/cn';

import { useSettings } from '../api/get-settings';
import { useUpdateSettings, type SettingChange } from '../api/update-setting';
import {
  sessionProblems,
  sessionSaveOrder,
  settingValues,
  storagePayload,
  storageProblems,
  type SessionErrors,
  type StorageErrors,
} from './settings-model';

interface SectionProps {
  saved: SettingValues;
  readOnly: boolean;
}

function SaveRow({
  dirty,
  pending,
  readOnly,
  onReset,
}: {
  dirty: boolean;
  pending: boolean;
  readOnly: boolean;
  onReset: () => void;
}) {
  if (readOnly) return null;
  return (
    <div className="flex gap-2 pt-2">
      <Button type="submit" loading={pending} disabled={!dirty}>
        Save
      </Button>
      {dirty && (
        <Button variant="ghost" onClick={onReset} disabled={pending}>
          Undo changes
        </Button>
      )}
    </div>
  );
}

function useSave(title: string) {
  const { toast } = useToast();
  const update = useUpdateSettings();
  /** `onFieldError` shows an error next to its field and returns true, else it goes on top. */
  const save = (
    changes: SettingChange[],
    onSaved: () => void,
    onFieldError?: (error: unknown) => boolean,
  ) => {
    if (changes.length === 0) return;
    update.mutate(changes, {
      onSuccess: () => {
        onSaved();
        toast({ tone: 'success', title: `${title} saved` });
      },
      onError: (error) => {
        if (onFieldError?.(error)) update.reset();
      },
    });
  };
  return { save, update };
}

function RegistrationSection({
  saved,
  readOnly,
  roles,
  urlChange,
}: SectionProps & { roles: string[] | undefined; urlChange: Setting | undefined }) {
  const [draft, setDraft] = useState<Partial<SettingValues>>({});
  const { save, update } = useSave('Registration settings');
  const enabled = draft.registration_enabled ?? saved.registration_enabled;
  const approval = draft.registration_requires_approval ?? saved.registration_requires_approval;
  const role = draft.registration_default_role ?? saved.registration_default_role;
  const url = draft.public_url !== undefined ? draft.public_url : saved.public_url;
  const [urlError, setUrlError] = useState<string>();

  const changes: SettingChange[] = [];
  if (enabled !== saved.registration_enabled)
    changes.push({ key: 'registration_enabled', value: enabled });
  if (approval !== saved.registration_requires_approval)
    changes.push({ key: 'registration_requires_approval', value: approval });
  if (role !== saved.registration_default_role)
    changes.push({ key: 'registration_default_role', value: role });
  const trimmedUrl = (url ?? '').trim().replace(/\/+$/, '') || null;
  if (trimmedUrl !== (saved.public_url ?? null))
    changes.push({ key: 'public_url', value: trimmedUrl });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (trimmedUrl && !/^https?:\/\/\S+$/.test(trimmedUrl)) {
      setUrlError('Start with http:// or https://, e.g. https://kubarr.example.com.');
      return;
    }
    save(
      changes,
      () => setDraft({}),
      (error) => {
        if (isApiError(error) && (error as { settingKey?: string }).settingKey === 'public_url') {
          setUrlError(error.message);
          return true;
        }
        return false;
      },
    );
  };

  return (
    <SectionCard
      title="Registration"
      description="Who can create an account. Invites work whatever is chosen here."
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {update.error && <Alert>{errorMessage(update.error)}</Alert>}
        <CheckboxField
          label="Anyone can register"
          hint="Off: accounts come only from invites and administrators."
          checked={enabled}
          disabled={readOnly || update.isPending}
          onChange={(event) =>
            setDraft((d) => ({ ...d, registration_enabled: event.target.checked }))
          }
        />
        <CheckboxField
          label="New registrations need approval"
          hint={
            enabled
              ? 'An administrator approves each new account on the Users page before it can sign in.'
              : 'Applies once open registration is on.'
          }
          checked={approval}
          disabled={readOnly || update.isPending}
          onChange={(event) =>
            setDraft((d) => ({ ...d, registration_requires_approval: event.target.checked }))
          }
        />
        <Field label="Role for new accounts" className="max-w-xs">
          {(control) =>
            roles ? (
              <Select
                {...control}
                value={role}
                disabled={readOnly || update.isPending}
                onChange={(event) =>
                  setDraft((d) => ({ ...d, registration_default_role: event.target.value }))
                }
              >
                {!roles.includes(role) && <option value={role}>{role}</option>}
                {roles.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </Select>
            ) : (
              <Input
                {...control}
                value={role}
                disabled={readOnly || update.isPending}
                onChange={(event) =>
                  setDraft((d) => ({ ...d, registration_default_role: event.target.value }))
                }
              />
            )
          }
        </Field>
        <Field
          label="Public address"
          hint="The address people use to reach Kubarr; invite links start with it. Empty: links use the address of the browser creating them."
          error={urlError}
          className="max-w-lg"
        >
          {(control) => (
            <Input
              {...control}
              type="url"
              placeholder="https://kubarr.example.com"
              value={url ?? ''}
              disabled={readOnly || update.isPending}
              onChange={(event) => {
                setUrlError(undefined);
                setDraft((d) => ({ ...d, public_url: event.target.value }));
              }}
            />
          )}
        </Field>
        {urlChange?.updated_at && (
          // Invite links start with this address: who moved it, and when, stays in sight.
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="public-url-changed">
            Last changed {new Date(urlChange.updated_at).toLocaleString()}
            {urlChange.updated_by != null && ` by user #${urlChange.updated_by}`}; only
            administrators may change it, and every change is in the audit log.
          </p>
        )}
        <SaveRow
          dirty={changes.length > 0}
          pending={update.isPending}
          readOnly={readOnly}
          onReset={() => setDraft({})}
        />
      </form>
    </SectionCard>
  );
}

function NumberField({
  label,
  hint,
  error,
  value,
  unit,
  disabled,
  onChange,
}: {
  label: string;
  hint: ReactNode;
  error: string | undefined;
  value: string;
  unit: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <div className="flex items-center gap-2">
          <Input
            {...control}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={value}
            disabled={disabled}
            onChange={(event) => onChange(event.target.value)}
            className="max-w-36"
          />
          <span className="text-sm text-zinc-600 dark:text-zinc-400">{unit}</span>
        </div>
      )}
    </Field>
  );
}

function SessionSection({ saved, readOnly }: SectionProps) {
  const [idle, setIdle] = useState<string | null>(null);
  const [absolute, setAbsolute] = useState<string | null>(null);
  const [errors, setErrors] = useState<SessionErrors>({});
  const { save, update } = useSave('Session settings');
  const idleText = idle ?? String(saved.session_idle_timeout_minutes);
  const absoluteText = absolute ?? String(saved.session_absolute_lifetime_hours);
  const dirty =
    idleText !== String(saved.session_idle_timeout_minutes) ||
    absoluteText !== String(saved.session_absolute_lifetime_hours);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = {
      session_idle_timeout_minutes: Number(idleText),
      session_absolute_lifetime_hours: Number(absoluteText),
    };
    const found = sessionProblems(
      next.session_idle_timeout_minutes,
      next.session_absolute_lifetime_hours,
    );
    setErrors(found);
    if (found.idle || found.absolute) return;
    save(
      sessionSaveOrder(saved, next).map((key) => ({ key, value: next[key] })),
      () => {
        setIdle(null);
        setAbsolute(null);
      },
      (error) => {
        const key = (error as { settingKey?: string }).settingKey;
        if (isApiError(error) && key) {
          setErrors(
            key === 'session_idle_timeout_minutes'
              ? { idle: error.message }
              : { absolute: error.message },
          );
          return true;
        }
        return false;
      },
    );
  };

  return (
    <SectionCard
      title="Sessions"
      description="How long people stay signed in. Changes apply to sessions from now on."
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {update.error && <Alert>{errorMessage(update.error)}</Alert>}
        <div className="grid gap-4 sm:grid-cols-2">
          <NumberField
            label="Idle timeout"
            unit="minutes"
            hint="A session unused this long ends."
            error={errors.idle}
            value={idleText}
            disabled={readOnly || update.isPending}
            onChange={(value) => {
              setIdle(value);
              setErrors({});
            }}
          />
          <NumberField
            label="Session lifetime"
            unit="hours"
            hint="A session ends this long after sign-in, however active."
            error={errors.absolute}
            value={absoluteText}
            disabled={readOnly || update.isPending}
            onChange={(value) => {
              setAbsolute(value);
              setErrors({});
            }}
          />
        </div>
        <SaveRow
          dirty={dirty}
          pending={update.isPending}
          readOnly={readOnly}
          onReset={() => {
            setIdle(null);
            setAbsolute(null);
            setErrors({});
          }}
        />
      </form>
    </SectionCard>
  );
}

const STORAGE_CHOICES: { type: MediaStorageType; label: string; hint: string }[] = [
  {
    type: 'host_path',
    label: 'Host path',
    hint: 'A directory on the nodes (single-node clusters, or the same disk mounted on every node).',
  },
  { type: 'nfs', label: 'NFS share', hint: 'An NFS export every node can mount.' },
  {
    type: 'none',
    label: 'None',
    hint: 'Apps keep only their own configuration; no shared media library.',
  },
];

function StorageSection({ saved, readOnly }: SectionProps) {
  const [draft, setDraft] = useState<MediaStorage | null>(null);
  const [errors, setErrors] = useState<StorageErrors>({});
  const { save, update } = useSave('Media storage');
  const storage = draft ?? saved.media_storage;
  const payload = storagePayload(storage);
  const dirty = JSON.stringify(payload) !== JSON.stringify(storagePayload(saved.media_storage));
  const disabled = readOnly || update.isPending;

  const change = (patch: Partial<MediaStorage>) => {
    setDraft({ ...storage, ...patch });
    setErrors({});
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = storageProblems(storage);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    save(
      [{ key: 'media_storage', value: payload }],
      () => setDraft(null),
      (error) => {
        if (isApiError(error) && error.field?.startsWith('value.')) {
          const field = error.field.slice('value.'.length) as keyof StorageErrors;
          setErrors({ [field]: error.message });
          return true;
        }
        return false;
      },
    );
  };

  return (
    <SectionCard
      title="Media storage"
      description="Where apps such as Sonarr and Jellyfin find the shared media library. Apps installed from now on use it."
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {update.error && <Alert>{errorMessage(update.error)}</Alert>}
        <fieldset className="space-y-2">
          <legend className="mb-2 text-sm font-medium">Type</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            {STORAGE_CHOICES.map((choice) => (
              <label
                key={choice.type}
                className={cn(
                  'flex cursor-pointer gap-2.5 rounded-lg p-3 text-sm ring-1 ring-zinc-200 dark:ring-zinc-700',
                  storage.type === choice.type &&
                    'bg-indigo-50 ring-2 ring-indigo-600 dark:bg-indigo-950/50',
                  disabled && 'cursor-not-allowed opacity-80',
                )}
              >
                <input
                  type="radio"
                  name="media-storage-type"
                  value={choice.type}
                  checked={storage.type === choice.type}
                  disabled={disabled}
                  onChange={() => change({ type: choice.type })}
                  className="mt-0.5 accent-indigo-600"
                />
                <span>
                  <span className="block font-medium">{choice.label}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {choice.hint}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {storage.type === 'host_path' && (
          <Field label="Path on the nodes" required error={errors.host_path} className="max-w-lg">
            {(control) => (
              <Input
                {...control}
                placeholder="/srv/media"
                value={storage.host_path ?? ''}
                disabled={disabled}
                spellCheck={false}
                onChange={(event) => change({ host_path: event.target.value })}
              />
            )}
          </Field>
        )}
        {storage.type === 'nfs' && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="NFS server" required error={errors.nfs_server}>
              {(control) => (
                <Input
                  {...control}
                  placeholder="nas.local or 192.168.1.10"
                  value={storage.nfs_server ?? ''}
                  disabled={disabled}
                  spellCheck={false}
                  onChange={(event) => change({ nfs_server: event.target.value })}
                />
              )}
            </Field>
            <Field label="Export path" required error={errors.nfs_path}>
              {(control) => (
                <Input
                  {...control}
                  placeholder="/export/media"
                  value={storage.nfs_path ?? ''}
                  disabled={disabled}
                  spellCheck={false}
                  onChange={(event) => change({ nfs_path: event.target.value })}
                />
              )}
            </Field>
          </div>
        )}
        <SaveRow
          dirty={dirty}
          pending={update.isPending}
          readOnly={readOnly}
          onReset={() => {
            setDraft(null);
            setErrors({});
          }}
        />
      </form>
    </SectionCard>
  );
}

/** System settings; editable with settings.manage, read-only with settings.view. */
export function SettingsView({ roles }: { roles: string[] | undefined }) {
  const settings = useSettings();
  const { can } = useAuthorization();
  const readOnly = !can('settings.manage');

  if (settings.isPending) return <PageSpinner label="Loading the settings" />;
  if (settings.isError) {
    return <Alert title="Could not load the settings">{errorMessage(settings.error)}</Alert>;
  }
  const saved = settingValues(settings.data);
  return (
    <div className="space-y-6">
      {readOnly && (
        <Alert tone="info">You can see the settings; changing them needs settings.manage.</Alert>
      )}
      <RegistrationSection
        saved={saved}
        readOnly={readOnly}
        roles={roles}
        urlChange={settings.data.find((s) => s.key === 'public_url')}
      />
      <SessionSection saved={saved} readOnly={readOnly} />
      <StorageSection saved={saved} readOnly={readOnly} />
    </div>
  );
}
