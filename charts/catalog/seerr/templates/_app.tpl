{{/*
Fixed facts about Seerr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: ghcr.io/seerr-team/seerr
tag: "3.0.1"
port: 5055
configPath: /app/config
s6: false
probe:
  http: "/api/v1/status"
env:
  PORT: "5055"
  LOG_LEVEL: "info"
# With Kubarr: the API key it generated. Seerr takes API_KEY as its key when it creates its
# settings on the first start, and keeps using it on every later start.
credentialEnv:
  API_KEY: api-key
{{- end -}}
