{{/*
Fixed facts about Jackett (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/jackett
tag: "v0.24.2605-ls31"
port: 9117
configPath: /config
s6: true
probe:
  http: "/UI/Login"
{{- end -}}
