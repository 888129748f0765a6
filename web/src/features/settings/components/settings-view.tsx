import { Alert } from '@/components/ui/alert';
import { PageSpinner } from '@/components/ui/spinner';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';

import { useSettings } from '../api/get-settings';
import { RegistrationSection } from './registration-section';
import { SessionSection } from './session-section';
import { settingValues } from './settings-model';
import { StorageSection } from './storage-section';

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
