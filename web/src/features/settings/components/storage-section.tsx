import { useState, type SubmitEvent } from 'react';

import type { MediaStorage, MediaStorageType } from '@/api/types';
import { SectionCard } from '@/components/section-card';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { errorMessage, isApiError } from '@/lib/api-client';
import { cn } from '@/lib/cn';

import { useSaveSettings } from '../hooks/use-save-settings';
import { SaveRow, type SettingsSectionProps } from './settings-form-parts';
import {
  storageErrorField,
  storagePayload,
  storageProblems,
  type StorageErrors,
} from './settings-model';

/** The kinds of shared media library, with what each needs. */
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

/**
 * The shared media library apps mount: a host path, an NFS share or none. Only the fields of the
 * chosen type are sent; the server's complaint about one is shown next to it.
 */
export function StorageSection({ saved, readOnly }: SettingsSectionProps) {
  const [draft, setDraft] = useState<MediaStorage | null>(null);
  const [errors, setErrors] = useState<StorageErrors>({});
  const { save, update } = useSaveSettings('Media storage');
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
        const field = isApiError(error) ? storageErrorField(error.field) : null;
        if (!field || !isApiError(error)) return false;
        setErrors({ [field]: error.message });
        return true;
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
