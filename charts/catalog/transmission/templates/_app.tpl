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
# With Kubarr: the RPC account it generated (the image turns USER/PASS into rpc-authentication);
# the gateway presents it as HTTP Basic, so nobody types it.
credentialEnv:
  USER: username
  PASS: password
{{- end -}}
