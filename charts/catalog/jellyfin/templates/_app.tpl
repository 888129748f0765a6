{{/*
Fixed facts about Jellyfin (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/jellyfin
tag: "10.11.11ubu2604-ls47"
port: 8096
configPath: /config
s6: true
probe:
  http: "/health"
{{- end -}}
