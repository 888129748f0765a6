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
{{- end -}}
