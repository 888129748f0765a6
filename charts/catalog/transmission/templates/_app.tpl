{{/*
Fixed facts about Transmission (not user-settable). Read by the kubarr-app library;
fields are described in charts/README.md.
*/}}
{{- define "app.spec" -}}
image: lscr.io/linuxserver/transmission
tag: "4.1.3-r0-ls362"
port: 9091
configPath: /config
s6: true
# TCP: the web UI and RPC answer 401/409 once a password or whitelist is set.
probe:
  tcp: true
# With Kubarr: the RPC account it generated, seeded into settings.json before the first start
# (the password in Transmission's own salted form); the gateway presents it as HTTP Basic, so
# nobody types it. The image's USER/PASS are not used: its init rewrites the account from them on
# every start, which would undo a password the user changed.
seedConfig:
  path: /config/settings.json
  env:
    KUBARR_USERNAME: username
    KUBARR_PASSWORD_SSHA1: password-ssha1
  content: |
    {
        "download-dir": "/data/torrents",
        "incomplete-dir-enabled": false,
        "rpc-enabled": true,
        "rpc-port": 9091,
        "rpc-authentication-required": true,
        "rpc-username": "${KUBARR_USERNAME}",
        "rpc-password": "${KUBARR_PASSWORD_SSHA1}",
        "rpc-whitelist-enabled": false,
        "rpc-host-whitelist-enabled": false
    }
{{- end -}}
