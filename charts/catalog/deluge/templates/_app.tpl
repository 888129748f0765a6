{{/*
Fixed facts about Deluge (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/deluge
tag: "2.2.0-ls381"
port: 8112
configPath: /config
s6: true
probe:
  http: "/"
# With Kubarr: the daemon account `kubarr` it generated (auth), the web UI password in the form
# deluge-web checks (salted SHA-1 in web.conf), and the daemon entry deluge-web connects to with
# that account (hostlist.conf), all seeded before the first start.
seedConfig:
  - path: /config/auth
    env:
      KUBARR_USERNAME: username
      KUBARR_PASSWORD: password
    content: |
      ${KUBARR_USERNAME}:${KUBARR_PASSWORD}:10
  - path: /config/web.conf
    env:
      KUBARR_WEB_SALT: deluge-web-salt
      KUBARR_WEB_SHA1: deluge-web-sha1
    content: |
      {"file": 2, "format": 1}
      {
          "port": 8112,
          "pwd_salt": "${KUBARR_WEB_SALT}",
          "pwd_sha1": "${KUBARR_WEB_SHA1}",
          "first_login": false,
          "default_daemon": "6b756261727264656c75676564303031"
      }
  - path: /config/hostlist.conf
    env:
      KUBARR_USERNAME: username
      KUBARR_PASSWORD: password
    content: |
      {"file": 3, "format": 1}
      {
          "hosts": [["6b756261727264656c75676564303031", "127.0.0.1", 58846, "${KUBARR_USERNAME}", "${KUBARR_PASSWORD}"]]
      }
{{- end -}}
