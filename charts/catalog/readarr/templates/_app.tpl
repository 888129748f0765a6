{{/*
Fixed facts about Readarr (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/readarr
tag: "develop-0.4.18.2805-ls157"
port: 8787
configPath: /config
s6: true
probe:
  http: "/ping"
# With Kubarr: the API key it generated, and sign-in left to Kubarr's gateway (External).
credentialEnv:
  READARR__AUTH__APIKEY: api-key
gatewayEnv:
  READARR__AUTH__METHOD: External
{{- end -}}
