{{/*
Ingress mode (opt-in, set by Kubarr under kubarr.ingress; nothing here is a user value): the
app's host served by the cluster's Ingress controller, every request checked first by Kubarr's
forward-auth endpoint (kubarr.ingress.authUrl). Renders nothing while kubarr.ingress.controller
is empty.

  traefik  the Ingress names a ForwardAuth Middleware in the app's namespace. Traefik sends the
           browser any answer that is not 2xx as it is, so Kubarr answers the sign-in redirect,
           ticket redemption (/_kubarr/auth) and sign-out there too.
  nginx    auth-url / auth-signin annotations (a 401 sends the browser to Kubarr's sign-in,
           coming back to the same path), and a second Ingress sending the host's /_kubarr/
           paths to Kubarr's gateway Service (an ExternalName Service here), where tickets are
           redeemed.

Every annotation value comes from this template and the schema-checked kubarr.ingress values.
*/}}
{{- define "kubarr-app.ingress" -}}
{{- $in := (.Values.kubarr | default dict).ingress | default dict -}}
{{- $controller := $in.controller | default "" -}}
{{- if $controller -}}
{{- $name := include "kubarr-app.fullname" . -}}
{{- $host := required "kubarr.ingress.host is required in Ingress mode" $in.host -}}
{{- $authUrl := required "kubarr.ingress.authUrl is required in Ingress mode" $in.authUrl -}}
{{- $middleware := printf "%s-kubarr-auth" ($name | trunc 50 | trimSuffix "-") -}}
{{- if eq $controller "traefik" }}
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: {{ $middleware }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  forwardAuth:
    address: {{ $authUrl | quote }}
    trustForwardHeader: false
    authResponseHeaders:
      - X-Kubarr-User
---
{{- else if eq $controller "nginx" }}
{{- $gateway := required "kubarr.ingress.gatewayService is required for ingress-nginx" $in.gatewayService }}
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "%s-kubarr-gateway" ($name | trunc 47 | trimSuffix "-") }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  type: ExternalName
  externalName: {{ $gateway | quote }}
  ports:
    - name: http
      port: {{ int ($in.gatewayPort | default 80) }}
      protocol: TCP
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ printf "%s-kubarr" ($name | trunc 56 | trimSuffix "-") }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  {{- include "kubarr-app.ingressSpec" (dict "in" $in "host" $host "path" "/_kubarr/" "service" (printf "%s-kubarr-gateway" ($name | trunc 47 | trimSuffix "-")) "port" (dict "number" (int ($in.gatewayPort | default 80)))) | trim | nindent 2 }}
---
{{- else }}
{{- fail (printf "kubarr.ingress.controller %q is not traefik or nginx" $controller) }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $name }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
  annotations:
    {{- if eq $controller "traefik" }}
    traefik.ingress.kubernetes.io/router.middlewares: {{ printf "%s-%s@kubernetescrd" .Release.Namespace $middleware | quote }}
    {{- else }}
    nginx.ingress.kubernetes.io/auth-url: {{ $authUrl | quote }}
    nginx.ingress.kubernetes.io/auth-method: GET
    nginx.ingress.kubernetes.io/auth-response-headers: X-Kubarr-User
    {{- if $in.signinUrl }}
    nginx.ingress.kubernetes.io/auth-signin: {{ printf "%s&next=$escaped_request_uri" $in.signinUrl | quote }}
    nginx.ingress.kubernetes.io/auth-signin-redirect-param: next
    {{- end }}
    {{- end }}
spec:
  {{- include "kubarr-app.ingressSpec" (dict "in" $in "host" $host "path" "/" "service" $name "port" (dict "name" "http")) | trim | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* One Ingress spec: the class, TLS for the host when a Secret is named, one Prefix path. */}}
{{- define "kubarr-app.ingressSpec" -}}
{{- if .in.className }}
ingressClassName: {{ .in.className | quote }}
{{- end }}
{{- if .in.tlsSecret }}
tls:
  - hosts:
      - {{ .host | quote }}
    secretName: {{ .in.tlsSecret | quote }}
{{- end }}
rules:
  - host: {{ .host | quote }}
    http:
      paths:
        - path: {{ .path }}
          pathType: Prefix
          backend:
            service:
              name: {{ .service }}
              port:
                {{- toYaml .port | nindent 16 }}
{{- end -}}
