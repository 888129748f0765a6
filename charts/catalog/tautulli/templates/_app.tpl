{{/*
Fixed facts about Tautulli (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/tautulli
tag: "2.17.1"
port: 8181
configPath: /config
s6: true
probe:
  http: "/status"
{{- end -}}
