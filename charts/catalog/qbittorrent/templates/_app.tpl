{{/*
Fixed facts about qBittorrent (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/qbittorrent
tag: "5.2.3_v2.0.14-ls473"
port: 8080
configPath: /config
s6: true
# TCP: every qBittorrent API route answers 403 without a login session.
probe:
  tcp: true
env:
  WEBUI_PORT: "8080"
  TORRENTING_PORT: "6881"
{{- end -}}
