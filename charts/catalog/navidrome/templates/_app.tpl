{{/*
Fixed facts about Navidrome (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: deluan/navidrome
tag: "0.58.0"
port: 4533
configPath: /config
s6: false
probe:
  http: "/ping"
# Navidrome's own data folder defaults to /data, which is the shared media tree here: it
# keeps its database on the config volume instead and reads the music under /data/media/music.
env:
  ND_PORT: "4533"
  ND_DATAFOLDER: "/config"
  ND_MUSICFOLDER: "/data/media/music"
  ND_LOGLEVEL: "info"
{{- end -}}
