import { PlaceholderPage } from '@/components/placeholder-page';
import { RequirePermission } from '@/lib/auth';

export default function SettingsRoute() {
  return (
    <RequirePermission permission="settings.view">
      <PlaceholderPage
        title="Settings"
        planned="Settings: registration and approval, session lifetimes, media storage for the apps."
      />
    </RequirePermission>
  );
}
