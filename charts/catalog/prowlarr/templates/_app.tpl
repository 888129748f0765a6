{{/*
Fixed facts about Prowlarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/prowlarr
tag: "2.6.5.5623-ls161"
port: 9696
configPath: /config
s6: true
probe:
  http: "/ping"
# With Kubarr: the API key it generated, and sign-in left to Kubarr's gateway (External).
credentialEnv:
  PROWLARR__AUTH__APIKEY: api-key
gatewayEnv:
  PROWLARR__AUTH__METHOD: External
{{- end -}}
