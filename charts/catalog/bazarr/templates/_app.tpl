{{/*
Fixed facts about Bazarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/bazarr
tag: "v1.6.2-ls366"
port: 6767
configPath: /config
s6: true
probe:
  http: "/api/system/ping"
# With Kubarr: the API key it generated, seeded into config.yaml before the first start.
seedConfig:
  path: /config/config/config.yaml
  env:
    KUBARR_API_KEY: api-key
  content: |
    auth:
      apikey: "${KUBARR_API_KEY}"
{{- end -}}
