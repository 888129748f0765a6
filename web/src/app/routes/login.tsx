import { Navigate, useSearchParams } from 'react-router';

import { PageSpinner } from '@/components/ui/spinner';
import { paths, safeRedirect } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { useSetupStatus } from '@/features/setup/api/get-setup-status';
import { useCurrentUser } from '@/lib/auth';

import { AuthLayout } from '../layouts/auth-layout';

export default function LoginRoute() {
  const [searchParams] = useSearchParams();
  const setup = useSetupStatus();
  const me = useCurrentUser();

  // First start: nobody can sign in yet.
  if (setup.data?.setup_required) return <Navigate to={paths.setup.getHref()} replace />;
  // Already signed in (e.g. the back button): go where the user wanted.
  if (me.data) return <Navigate to={safeRedirect(searchParams.get('redirect'))} replace />;

  return (
    <AuthLayout title="Sign in">
      {setup.isPending || me.isPending ? <PageSpinner label="Loading" /> : <LoginForm />}
    </AuthLayout>
  );
}
