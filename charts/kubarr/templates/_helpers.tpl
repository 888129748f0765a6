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
{{- include "kubarr.validateGateway" . -}}
{{- end -}}

{{/* The app gateway (values `gateway`): names, the port range and what browsers see. */}}
{{- define "kubarr.gatewayName" -}}{{ include "kubarr.fullname" . }}-gateway{{- end -}}

{{/* Port mode's range as JSON [first, last]; [] in host mode. */}}
{{- define "kubarr.gatewayRange" -}}
{{- if .Values.gateway.portRange -}}
{{- $bounds := splitList "-" .Values.gateway.portRange -}}
{{- toJson (list (atoi (first $bounds)) (atoi (last $bounds))) -}}
{{- else -}}
[]
{{- end -}}
{{- end -}}

{{/* The in-cluster DNS name of one of the release's Services. */}}
{{- define "kubarr.serviceFqdn" -}}
{{- printf "%s.%s.svc.cluster.local" .name .root.Release.Namespace -}}
{{- end -}}

{{/* The backend Service's port (the forward-auth endpoint is on it). */}}
{{- define "kubarr.backendServicePort" -}}
{{- if include "kubarr.ingressMode" . }}8080{{ else }}{{ .Values.expose.servicePort }}{{ end -}}
{{- end -}}

{{/* Whether an Ingress controller sits in front of the gateway: the wildcard Ingress or ingress mode. */}}
{{- define "kubarr.gatewayBehindController" -}}
{{- if and .Values.gateway.enabled (or .Values.gateway.ingress.enabled .Values.gateway.ingressMode.controller) -}}true{{- end -}}
{{- end -}}

{{/* The TLS Secret browsers meet in front of the gateway, if any. */}}
{{- define "kubarr.gatewayTlsSecret" -}}
{{- if .Values.gateway.ingressMode.controller -}}
{{- .Values.gateway.ingressMode.tlsSecretName -}}
{{- else if .Values.gateway.ingress.enabled -}}
{{- .Values.gateway.ingress.tls.secretName -}}
{{- end -}}
{{- end -}}

{{/* The scheme browsers use for app origins: publicScheme, else https behind TLS, else http. */}}
{{- define "kubarr.gatewayPublicScheme" -}}
{{- if .Values.gateway.publicScheme -}}
{{- .Values.gateway.publicScheme -}}
{{- else if include "kubarr.gatewayTlsSecret" . -}}
https
{{- else -}}
http
{{- end -}}
{{- end -}}

{{/*
Host mode: the port browsers use. publicPort, else behind an Ingress controller 443 (TLS) or 80,
else the node port (NodePort) or the Service's port.
*/}}
{{- define "kubarr.gatewayPublicPort" -}}
{{- $g := .Values.gateway -}}
{{- if $g.publicPort -}}
{{- $g.publicPort -}}
{{- else if include "kubarr.gatewayBehindController" . -}}
{{- if eq (include "kubarr.gatewayPublicScheme" .) "https" }}443{{ else }}80{{ end -}}
{{- else if eq $g.service.type "NodePort" -}}
{{- $g.service.nodePort -}}
{{- else -}}
{{- $g.service.port -}}
{{- end -}}
{{- end -}}

{{/* The gateway's settings that cannot work together fail the install with a reason. */}}
{{- define "kubarr.validateGateway" -}}
{{- $g := .Values.gateway -}}
{{- if $g.enabled -}}
{{- if and $g.appsDomain $g.portRange -}}
{{- fail "gateway: set gateway.appsDomain (host mode: <app>.<appsDomain>) or gateway.portRange (port mode: one port per app), not both" -}}
{{- end -}}
{{- if not (or $g.appsDomain $g.portRange) -}}
{{- fail "gateway.enabled needs gateway.appsDomain (host mode: <app>.<appsDomain> on wildcard DNS) or gateway.portRange (port mode: one port per app, e.g. 30100-30131)" -}}
{{- end -}}
{{- with $g.appsDomain -}}
{{- if or (gt (len .) 200) (not (regexMatch "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .)) -}}
{{- fail (printf "gateway.appsDomain: %q is not a DNS name such as apps.home.example (lower case, at least two labels, no wildcard)" .) -}}
{{- end -}}
{{- end -}}
{{- with $g.portRange -}}
{{- if not (regexMatch "^[0-9]{1,5}-[0-9]{1,5}$" .) -}}
{{- fail (printf "gateway.portRange: %q must be <first>-<last>, e.g. 30100-30131" .) -}}
{{- end -}}
{{- $r := include "kubarr.gatewayRange" $ | fromJsonArray -}}
{{- $first := index $r 0 | int -}}
{{- $last := index $r 1 | int -}}
{{- if or (lt $first 1) (gt $last 65535) (gt $first $last) -}}
{{- fail (printf "gateway.portRange: %q must be two ports from 1 to 65535, the first not above the last" .) -}}
{{- end -}}
{{- if gt (add (sub $last $first) 1) 256 -}}
{{- fail (printf "gateway.portRange: %q holds %d ports; at most 256 (each is a bound socket and a Service port)" . (add (sub $last $first) 1)) -}}
{{- end -}}
{{- if lt $first 1024 -}}
{{- fail (printf "gateway.portRange: %q starts below 1024; the backend runs unprivileged (no capabilities) and cannot listen there" .) -}}
{{- end -}}
{{- if and (le $first 8080) (ge $last 8080) -}}
{{- fail (printf "gateway.portRange: %q includes 8080, the backend's own port" .) -}}
{{- end -}}
{{- if and (eq $g.service.type "NodePort") (or (lt $first 30000) (gt $last 32767)) -}}
{{- fail (printf "gateway.portRange: %q is outside 30000-32767, Kubernetes' node port range; with gateway.service.type=NodePort each port of the range is also its node port (pick a range inside it, or use LoadBalancer)" .) -}}
{{- end -}}
{{- if $g.ingress.enabled -}}
{{- fail "gateway.ingress routes <app>.<appsDomain> (host mode): it needs gateway.appsDomain, not gateway.portRange" -}}
{{- end -}}
{{- if $g.publicPort -}}
{{- fail "gateway.publicPort is for host mode: in port mode each app is reached on its own port of gateway.portRange" -}}
{{- end -}}
{{- end -}}
{{- if and $g.appsDomain (or (eq (int $g.containerPort) 8080) (lt (int $g.containerPort) 1024)) -}}
{{- fail "gateway.containerPort must be 1024 or above (the backend runs unprivileged) and not 8080 (the backend's own port)" -}}
{{- end -}}
{{- if and $g.appsDomain (eq $g.service.type "NodePort") (not $g.service.nodePort) (not $g.publicPort) -}}
{{- fail "gateway.service.type=NodePort in host mode needs gateway.service.nodePort (or gateway.publicPort): the app URLs carry the port browsers use" -}}
{{- end -}}
{{- if and $g.ingress.enabled $g.ingressMode.controller -}}
{{- fail "gateway.ingress (a wildcard Ingress in front of Kubarr's gateway) and gateway.ingressMode (each app's own Ingress with forward-auth) exclude each other: pick one" -}}
{{- end -}}
{{- end -}}
{{- if and $g.ingressMode.controller (not (and $g.enabled $g.appsDomain)) -}}
{{- fail "gateway.ingressMode needs gateway.enabled=true and gateway.appsDomain: each app's Ingress serves <app>.<appsDomain>" -}}
{{- end -}}
{{- end -}}
