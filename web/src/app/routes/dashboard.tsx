import { Link } from 'react-router';

import { PageHeader } from '@/components/page-header';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { AppsDashboard } from '@/features/apps/components/apps-dashboard';
import { useAuthorization } from '@/lib/auth';

export default function DashboardRoute() {
  const { canForAnyApp } = useAuthorization();
  return (
    <>
      <title>Dashboard · Kubarr</title>
      <PageHeader
        title="Dashboard"
        description="Your installed apps and their live status."
        actions={
          canForAnyApp('apps.install') && (
            <Link to={paths.catalog.getHref()} className={buttonClasses('secondary')}>
              Install apps
            </Link>
          )
        }
      />
      <AppsDashboard />
    </>
  );
}
