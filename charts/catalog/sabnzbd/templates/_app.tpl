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
# With Kubarr: the API key, the NZB key and the web UI account it generated, seeded into
# sabnzbd.ini before the first start.
seedConfig:
  path: /config/sabnzbd.ini
  env:
    KUBARR_API_KEY: api-key
    KUBARR_NZB_KEY: nzb-key
    KUBARR_USERNAME: username
    KUBARR_PASSWORD: password
  content: |
    [misc]
    api_key = ${KUBARR_API_KEY}
    nzb_key = ${KUBARR_NZB_KEY}
    username = ${KUBARR_USERNAME}
    password = ${KUBARR_PASSWORD}
{{- end -}}
