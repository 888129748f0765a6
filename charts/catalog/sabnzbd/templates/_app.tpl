{{/*
Fixed facts about SABnzbd (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/sabnzbd
tag: "5.1.1-ls268"
port: 8080
configPath: /config
s6: true
probe:
  http: "/api?mode=version"
{{- end -}}
