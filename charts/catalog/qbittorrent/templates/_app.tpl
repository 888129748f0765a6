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
# With Kubarr: the web UI account it generated, seeded before the first start (qBittorrent keeps
# only the PBKDF2 form of the password); the gateway presents it as HTTP Basic (qBittorrent ≥ 5.2).
seedConfig:
  path: /config/qBittorrent/qBittorrent.conf
  env:
    KUBARR_USERNAME: username
    KUBARR_PASSWORD_PBKDF2: password-pbkdf2
  content: |
    [LegalNotice]
    Accepted=true

    [Preferences]
    WebUI\Port=8080
    WebUI\Username=${KUBARR_USERNAME}
    WebUI\Password_PBKDF2="${KUBARR_PASSWORD_PBKDF2}"
{{- end -}}
