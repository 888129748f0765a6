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
# With Kubarr: the API key it generated, seeded into ServerConfig.json before the first start
# (the port and external access as Jackett's own defaults in a container).
seedConfig:
  path: /config/Jackett/ServerConfig.json
  env:
    KUBARR_API_KEY: api-key
  content: |
    {
      "Port": 9117,
      "AllowExternal": true,
      "APIKey": "${KUBARR_API_KEY}"
    }
{{- end -}}
