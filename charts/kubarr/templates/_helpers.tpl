{{/* Names, labels and the few derived values every template shares. */}}

{{- define "kubarr.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubarr.labels" -}}
app.kubernetes.io/name: kubarr
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kubarr.selector" -}}
app.kubernetes.io/name: kubarr
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubarr.backendName" -}}{{ include "kubarr.fullname" . }}-backend{{- end -}}
{{- define "kubarr.frontendName" -}}{{ include "kubarr.fullname" . }}-frontend{{- end -}}
{{- define "kubarr.secretName" -}}{{ include "kubarr.fullname" . }}-secrets{{- end -}}
{{- define "kubarr.dataName" -}}{{ include "kubarr.fullname" . }}-data{{- end -}}
{{- define "kubarr.serviceAccount" -}}{{ include "kubarr.fullname" . }}{{- end -}}
{{/* Cluster-wide names. App namespaces are named after the apps, so one Kubarr per cluster. */}}
{{- define "kubarr.clusterRole" -}}{{ include "kubarr.fullname" . }}{{- end -}}
{{- define "kubarr.appManagerRole" -}}{{ include "kubarr.fullname" . }}-app-manager{{- end -}}

{{- define "kubarr.usesPostgres" -}}
{{- if or .Values.database.url .Values.database.existingSecret -}}true{{- end -}}
{{- end -}}

{{- define "kubarr.ingressMode" -}}
{{- if eq .Values.expose.mode "ingress" -}}true{{- end -}}
{{- end -}}

{{/*
Whose X-Forwarded-For the backend believes: the configured list, or in ingress mode (unless
turned off) the private ranges the ingress controller's pods have addresses in.
*/}}
{{- define "kubarr.trustedProxies" -}}
{{- if .Values.backend.trustedProxies -}}
{{- join "," .Values.backend.trustedProxies -}}
{{- else if and (include "kubarr.ingressMode" .) .Values.backend.trustIngressController -}}
10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7
{{- end -}}
{{- end -}}

{{- define "kubarr.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Restricted pod security: shared by both Deployments. */}}
{{/* The images' users: 65532 (distroless nonroot) for the backend, 65534 (nobody) for BusyBox. */}}
{{- define "kubarr.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kubarr.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Settings that cannot work together fail the install with a reason. */}}
{{- define "kubarr.validate" -}}
{{- if and (gt (int .Values.backend.replicas) 1) (not (include "kubarr.usesPostgres" .)) -}}
{{- fail "backend.replicas > 1 needs PostgreSQL: SQLite on a volume serves one replica. Set database.url or database.existingSecret." -}}
{{- end -}}
{{- if and .Values.database.url .Values.database.existingSecret -}}
{{- fail "set database.url or database.existingSecret, not both" -}}
{{- end -}}
{{- range .Values.media.allowedRoots -}}
{{- $root := trimSuffix "/" . -}}
{{- if or (not (hasPrefix "/" .)) (has $root (list "" "/bin" "/boot" "/dev" "/etc" "/lib" "/lib64" "/proc" "/root" "/run" "/sbin" "/sys" "/usr" "/var" "/var/lib" "/var/lib/kubelet" "/var/run")) (contains "/." .) (contains "//" .) -}}
{{- fail (printf "media.allowedRoots: %q is not allowed (an absolute directory, not / or a system path)" .) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.expose.ingress.tls.enabled (not .Values.expose.ingress.tls.secretName) (include "kubarr.ingressMode" .) -}}
{{- fail "expose.ingress.tls.enabled needs expose.ingress.tls.secretName" -}}
{{- end -}}
{{- end -}}
