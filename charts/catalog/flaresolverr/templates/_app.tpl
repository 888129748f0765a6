{{/*
Fixed facts about FlareSolverr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: ghcr.io/flaresolverr/flaresolverr
tag: "v3.5.0"
port: 8191
configPath: /config
s6: false
probe:
  http: "/health"
# FlareSolverr keeps no settings of its own (everything is env); the config volume is its home
# directory, where the browser it drives keeps its profile between requests.
env:
  HOME: "/config"
  PORT: "8191"
  LOG_LEVEL: "info"
{{- end -}}
