{{/*
Fixed facts about Lidarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/lidarr
tag: "3.1.0.4875-ls41"
port: 8686
configPath: /config
s6: true
probe:
  http: "/ping"
# With Kubarr: the API key it generated, and sign-in left to Kubarr's gateway (External).
credentialEnv:
  LIDARR__AUTH__APIKEY: api-key
gatewayEnv:
  LIDARR__AUTH__METHOD: External
{{- end -}}
