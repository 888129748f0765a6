import { useEffect, useMemo, useRef } from 'react';
import { Navigate, useSearchParams } from 'react-router';

import { PageSpinner } from '@/components/ui/spinner';
import { paths, safeRedirect } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { useAppHandOff } from '@/features/gateway/hooks/use-app-hand-off';
import { parseAppHandOff } from '@/features/gateway/utils/app-hand-off';
import { useSetupStatus } from '@/features/setup/api/get-setup-status';
import { useCurrentUser } from '@/lib/auth';

import { AuthLayout } from '../layouts/auth-layout';

export default function LoginRoute() {
  const [searchParams] = useSearchParams();
  const setup = useSetupStatus();
  const me = useCurrentUser();
  // `?app=<app>&next=<path>`: the gateway sent a signed-out browser here from that app.
  const handOff = useMemo(() => parseAppHandOff(searchParams), [searchParams]);
  const { complete, launching } = useAppHandOff(handOff);

  // Already signed in (the app's own cookie ran out, say): straight back to the app.
  const signedIn = Boolean(me.data);
  const started = useRef(false);
  useEffect(() => {
    if (!handOff || !signedIn || started.current) return;
    started.current = true;
    void complete();
  }, [handOff, signedIn, complete]);

  // First start: nobody can sign in yet.
  if (setup.data?.setup_required) return <Navigate to={paths.setup.getHref()} replace />;
  if (handOff && (signedIn || launching)) {
    return (
      <AuthLayout title={`Opening ${handOff.app}`}>
        <PageSpinner label={`Opening ${handOff.app}`} />
      </AuthLayout>
    );
  }
  // Already signed in (e.g. the back button): go where the user wanted.
  if (me.data) return <Navigate to={safeRedirect(searchParams.get('redirect'))} replace />;

  return (
    <AuthLayout title={handOff ? `Sign in to open ${handOff.app}` : 'Sign in'}>
      {setup.isPending || me.isPending ? (
        <PageSpinner label="Loading" />
      ) : handOff ? (
        <LoginForm
          heading={`Sign in to open ${handOff.app}`}
          onSignedIn={() => {
            started.current = true;
            void complete();
          }}
        />
      ) : (
        <LoginForm />
      )}
    </AuthLayout>
  );
}
