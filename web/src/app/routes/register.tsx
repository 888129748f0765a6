import { useSearchParams } from 'react-router';

import { RegisterForm } from '@/features/auth/components/register-form';

import { AuthLayout } from '../layouts/auth-layout';

export default function RegisterRoute() {
  const [searchParams] = useSearchParams();
  return (
    <AuthLayout title="Create your account">
      <RegisterForm inviteToken={searchParams.get('invite')} />
    </AuthLayout>
  );
}
