import { useState } from 'react';

import type { CatalogEntry } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { PageSpinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';

import { useCatalogApp } from '../api/get-catalog-app';
import { useInstallApp } from '../api/install-app';
import { SchemaForm } from '@/components/schema-form/schema-form';
import {
  buildFields,
  fieldForServerError,
  type FormErrors,
} from '@/components/schema-form/schema-form-model';

const FORM_ID = 'install-app-form';

/**
 * Loads the app's values schema, renders the generated form and installs it. Validation errors
 * from the server (400/422) that name a value are shown next to that value.
 */
export function InstallDialog({ app, onClose }: { app: CatalogEntry; onClose: () => void }) {
  const { toast } = useToast();
  const detail = useCatalogApp(app.name);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const install = useInstallApp({
    onSuccess: () => {
      toast({
        tone: 'success',
        title: `Installing ${app.display_name}`,
        description: 'Its status updates live on the dashboard.',
      });
      onClose();
    },
  });

  const submit = (values: Record<string, unknown>) => {
    setServerErrors({});
    setFormError(null);
    install.mutate(
      { app_name: app.name, values },
      {
        onError: (error) => {
          if (isApiError(error) && (error.status === 400 || error.status === 422) && detail.data) {
            const path = fieldForServerError(error, buildFields(detail.data.values_schema));
            if (path) {
              setServerErrors({ [path]: error.message });
              return;
            }
          }
          setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      dismissible={!install.isPending}
      title={`Install ${app.display_name}`}
      description={`Chart ${app.version}${app.app_version ? ` · app ${app.app_version}` : ''}. Defaults are filled in; change what you need.`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={install.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} loading={install.isPending} disabled={!detail.data}>
            Install
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        {app.retired && (
          <Alert tone="warning" title={`${app.display_name} is retired`}>
            {app.retired}
          </Alert>
        )}
        {formError && <Alert title="The app was not installed">{formError}</Alert>}
        {detail.isPending && <PageSpinner label={`Loading the settings of ${app.display_name}`} />}
        {detail.isError && (
          <Alert title="Could not load this app's settings">{errorMessage(detail.error)}</Alert>
        )}
        {detail.data && (
          <SchemaForm
            id={FORM_ID}
            schema={detail.data.values_schema}
            defaults={detail.data.default_values}
            onSubmit={submit}
            serverErrors={serverErrors}
            disabled={install.isPending}
            onFieldChange={(path) => {
              if (path in serverErrors) setServerErrors({});
            }}
          />
        )}
      </div>
    </Dialog>
  );
}
