import { useState } from 'react';
import { Navigate } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { PageSpinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { SetupForm } from '@/features/setup/components/setup-form';
import { useSetupStatus } from '@/features/setup/api/get-setup-status';
import { errorMessage } from '@/lib/api-client';

import { AuthLayout } from '../layouts/auth-layout';

export default function SetupRoute() {
  const status = useSetupStatus();
  const [done, setDone] = useState(false);

  // Just created the admin, who is now signed in.
  if (done) return <Navigate to={paths.dashboard.getHref()} replace />;
  // Setup already happened: nothing to do here.
  if (status.data && !status.data.setup_required) {
    return <Navigate to={paths.login.getHref()} replace />;
  }

  return (
    <AuthLayout title="Set up">
      {status.isPending ? (
        <PageSpinner label="Checking whether Kubarr is set up" />
      ) : status.isError ? (
        <Alert title="Kubarr could not be reached">{errorMessage(status.error)}</Alert>
      ) : (
        <SetupForm onDone={() => setDone(true)} />
      )}
    </AuthLayout>
  );
}
