{{/*
Fixed facts about Sonarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/sonarr
tag: "4.0.20.3014-ls327"
port: 8989
configPath: /config
s6: true
probe:
  http: "/ping"
# With Kubarr: the API key it generated, and sign-in left to Kubarr's gateway (External).
credentialEnv:
  SONARR__AUTH__APIKEY: api-key
gatewayEnv:
  SONARR__AUTH__METHOD: External
{{- end -}}
