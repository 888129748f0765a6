{{/*
Fixed facts about Radarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/radarr
tag: "6.4.4.10685-ls318"
port: 7878
configPath: /config
s6: true
probe:
  http: "/ping"
# With Kubarr: the API key it generated, and sign-in left to Kubarr's gateway (External).
credentialEnv:
  RADARR__AUTH__APIKEY: api-key
gatewayEnv:
  RADARR__AUTH__METHOD: External
{{- end -}}
