{{/*
Fixed facts about Plex (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/plex
tag: "1.43.2.10687-563d026ea-ls312"
port: 32400
configPath: /config
s6: true
probe:
  http: "/identity"
env:
  VERSION: "docker"
secretEnv:
  PLEX_CLAIM: {{ dig "claimToken" "" (.Values.plex | default dict) | quote }}
{{- end -}}
