{{/*
PVC for the app's configuration and database. Not rendered when
persistence.config.existingClaim names a claim to reuse.

It carries helm.sh/resource-policy: keep, so `helm uninstall` never deletes a
household's settings: removing the data is an explicit step (delete the PVC, or
the namespace). Reinstalling under the same release name adopts the kept PVC.
storageClass "" uses the cluster default; "-" means no class (static binding).
*/}}
{{- define "kubarr-app.pvc" -}}
{{- $cfg := dig "config" dict (.Values.persistence | default dict) -}}
{{- if not $cfg.existingClaim -}}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ include "kubarr-app.configClaimName" . }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
  annotations:
    helm.sh/resource-policy: keep
spec:
  accessModes:
    - ReadWriteOnce
  {{- if eq ($cfg.storageClass | default "") "-" }}
  storageClassName: ""
  {{- else if $cfg.storageClass }}
  storageClassName: {{ $cfg.storageClass | quote }}
  {{- end }}
  resources:
    requests:
      storage: {{ required "persistence.config.size is required" $cfg.size | quote }}
{{- end -}}
{{- end -}}
