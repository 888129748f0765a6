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
{{- end -}}
