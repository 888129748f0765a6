{{/*
Fixed facts about Deluge (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/deluge
tag: "2.2.0-ls381"
port: 8112
configPath: /config
s6: true
probe:
  http: "/"
{{- end -}}
