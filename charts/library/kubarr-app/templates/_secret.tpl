{{/*
Secret holding the app's secret settings (app.spec secretEnv: ENV_NAME -> value
taken from .Values). Rendered only when at least one of them is set; the
Deployment reads each key with optional: true, so an unset one is simply absent.
*/}}
{{- define "kubarr-app.secret" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $data := dict -}}
{{- range $name, $value := $spec.secretEnv -}}
{{- if $value -}}
{{- $_ := set $data $name ($value | toString | b64enc) -}}
{{- end -}}
{{- end -}}
{{- if $data -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "kubarr-app.secretName" . }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
type: Opaque
data:
  {{- toYaml $data | nindent 2 }}
{{- end -}}
{{- end -}}
