import { useState, type SubmitEvent } from 'react';

import type { CatalogAppDetail, InstalledApp } from '@/api/types';
import { SchemaForm } from '@/components/schema-form/schema-form';
import {
  buildFields,
  fieldForServerError,
  type FormErrors,
} from '@/components/schema-form/schema-form-model';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { CheckboxField, Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { PageSpinner } from '@/components/ui/spinner';
import { errorMessage, isApiError } from '@/lib/api-client';

import { useUpgradeApp } from '../api/upgrade-app';

const FORM_ID = 'upgrade-app-form';
const VALUES_FORM_ID = 'upgrade-app-values';

export interface CatalogSource {
  data: CatalogAppDetail | undefined;
  isPending: boolean;
  error: unknown;
}

/**
 * Upgrade to a chart version (the catalog's by default), keeping the release's values or
 * replacing them with new ones from the form generated from the chart's values schema.
 */
export function UpgradeDialog({
  app,
  catalog,
  open,
  onClose,
  onDone,
}: {
  app: InstalledApp;
  /** The catalog entry with its values schema and default values (loaded by the page). */
  catalog: CatalogSource;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const upgrade = useUpgradeApp(app.name);
  const [version, setVersion] = useState(catalog.data?.version ?? '');
  const [versionTouched, setVersionTouched] = useState(false);
  const [replaceValues, setReplaceValues] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [versionError, setVersionError] = useState<string>();
  const [formError, setFormError] = useState<string | null>(null);

  // Until the user types, the version follows the catalog (which may load after opening).
  const shownVersion = versionTouched ? version : (catalog.data?.version ?? version);

  const close = () => {
    if (upgrade.isPending) return;
    upgrade.reset();
    setServerErrors({});
    setVersionError(undefined);
    setFormError(null);
    setReplaceValues(false);
    setVersionTouched(false);
    onClose();
  };

  const send = (values: Record<string, unknown> | undefined) => {
    setServerErrors({});
    setVersionError(undefined);
    setFormError(null);
    const trimmed = shownVersion.trim();
    upgrade.mutate(
      { ...(trimmed ? { version: trimmed } : {}), ...(values ? { values } : {}) },
      {
        onSuccess: () => {
          setReplaceValues(false);
          setVersionTouched(false);
          onDone();
        },
        onError: (error) => {
          if (isApiError(error) && (error.status === 400 || error.status === 422)) {
            if (error.field === 'version') {
              setVersionError(error.message);
              return;
            }
            if (values && catalog.data) {
              const path = fieldForServerError(error, buildFields(catalog.data.values_schema));
              if (path) {
                setServerErrors({ [path]: error.message });
                return;
              }
            }
          }
          setFormError(errorMessage(error));
        },
      },
    );
  };

  const submitOuter = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (replaceValues) {
      // The values form validates first and then calls send() with the values.
      const form = document.getElementById(VALUES_FORM_ID);
      if (form instanceof HTMLFormElement) form.requestSubmit();
      return;
    }
    send(undefined);
  };

  const installed = app.version ?? 'unknown';
  const offered = catalog.data?.version;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      dismissible={!upgrade.isPending}
      title={`Upgrade ${app.name}`}
      description={
        offered
          ? `Installed chart ${installed}; the catalog offers ${offered}${catalog.data?.app_version ? ` (app ${catalog.data.app_version})` : ''}.`
          : `Installed chart ${installed}.`
      }
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={upgrade.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            form={FORM_ID}
            loading={upgrade.isPending}
            disabled={replaceValues && !catalog.data}
          >
            Upgrade
          </Button>
        </>
      }
    >
      <div className="space-y-5">
        {formError && <Alert title="The app was not upgraded">{formError}</Alert>}
        <form id={FORM_ID} onSubmit={submitOuter} noValidate className="space-y-4">
          <Field
            label="Chart version"
            hint="Leave as is to move to the catalog’s version."
            error={versionError}
          >
            {(control) => (
              <Input
                {...control}
                name="version"
                value={shownVersion}
                placeholder={offered ?? 'The catalog’s version'}
                disabled={upgrade.isPending}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => {
                  setVersion(event.target.value);
                  setVersionTouched(true);
                  setVersionError(undefined);
                }}
              />
            )}
          </Field>
          <CheckboxField
            label="Replace the app’s values"
            hint={
              replaceValues
                ? 'The form starts from the chart’s defaults, not from the values in use: set everything you need.'
                : 'Off: the upgrade keeps the values the app runs with now.'
            }
            checked={replaceValues}
            disabled={upgrade.isPending}
            onChange={(event) => setReplaceValues(event.target.checked)}
          />
        </form>
        {replaceValues && (
          <>
            {catalog.isPending && <PageSpinner label={`Loading the settings of ${app.name}`} />}
            {Boolean(catalog.error) && (
              <Alert title="Could not load this app’s settings">
                {errorMessage(catalog.error)}
              </Alert>
            )}
            {catalog.data && (
              <SchemaForm
                id={VALUES_FORM_ID}
                schema={catalog.data.values_schema}
                defaults={catalog.data.default_values}
                onSubmit={send}
                serverErrors={serverErrors}
                disabled={upgrade.isPending}
                onFieldChange={(path) => {
                  if (path in serverErrors) setServerErrors({});
                }}
              />
            )}
          </>
        )}
      </div>
    </Dialog>
  );
}
