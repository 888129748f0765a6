import { PlaceholderPage } from '@/components/placeholder-page';

export default function AccountRoute() {
  return (
    <PlaceholderPage
      title="Account"
      planned="Your account: profile, password change, two-factor authentication with a QR code and recovery codes, and your active sessions."
    />
  );
}
