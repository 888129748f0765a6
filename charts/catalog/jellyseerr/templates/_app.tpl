{{/*
Fixed facts about Jellyseerr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: fallenbagel/jellyseerr
tag: "2.7.3"
port: 5055
configPath: /app/config
s6: false
probe:
  http: "/api/v1/status"
env:
  PORT: "5055"
  LOG_LEVEL: "info"
{{- end -}}
