import { useState, type SubmitEvent } from 'react';

import type { Setting, SettingValues } from '@/api/types';
import { SectionCard } from '@/components/section-card';
import { Alert } from '@/components/ui/alert';
import { CheckboxField, Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { errorMessage } from '@/lib/api-client';

import { isSettingSaveError, type SettingChange } from '../api/update-setting';
import { useSaveSettings } from '../hooks/use-save-settings';
import { SaveRow, type SettingsSectionProps } from './settings-form-parts';

/**
 * Open registration, approval, the role new accounts get, and the public address invite links
 * start with. Only the keys that changed are saved.
 */
export function RegistrationSection({
  saved,
  readOnly,
  roles,
  urlChange,
}: SettingsSectionProps & { roles: string[] | undefined; urlChange?: Setting }) {
  const [draft, setDraft] = useState<Partial<SettingValues>>({});
  const { save, update } = useSaveSettings('Registration settings');
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
        if (isSettingSaveError(error) && error.settingKey === 'public_url') {
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
