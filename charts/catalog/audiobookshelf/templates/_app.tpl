{{/*
Fixed facts about Audiobookshelf (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: ghcr.io/advplyr/audiobookshelf
tag: "2.31.0"
port: 13378
configPath: /config
s6: false
probe:
  http: "/healthcheck"
# Its settings database and its metadata (covers, cache) both live on the config volume.
env:
  PORT: "13378"
  CONFIG_PATH: "/config"
  METADATA_PATH: "/config/metadata"
{{- end -}}
