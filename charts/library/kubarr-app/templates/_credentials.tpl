{{/*
Credentials Kubarr generated for the app. Kubarr writes them to a Secret in the app's namespace
before every install and upgrade and names it in kubarr.credentials.secretName; Helm never sees
the values. With no Secret named (a plain `helm install`), nothing here renders and the app keeps
its own defaults.

From the app spec:
  credentialEnv  ENV_NAME: secret key   env taken from the Secret (api-key, username, password, …)
  gatewayEnv     ENV_NAME: value        fixed env that holds only while Kubarr manages sign-in
  seedConfig     a config file written once, before the app's first start, when it is absent:
                 {path, content, env: {VAR: secret key}}; content may use ${VAR}. A file the user
                 edited later is never touched again.
*/}}
{{- define "kubarr-app.credentialsSecret" -}}
{{- dig "credentials" "secretName" "" (.Values.kubarr | default dict) -}}
{{- end -}}

{{/*
The init container that seeds spec.seedConfig. It runs as root with only the rights to create the
file and give it to PUID:PGID (the config volume may still belong to root before the app's own
init has run), and reads the secret values from the environment, never from a rendered file.
*/}}
{{- define "kubarr-app.seedConfig" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $seed := $spec.seedConfig -}}
{{- $v := .Values -}}
- name: seed-config
  image: {{ include "kubarr-app.image" . | quote }}
  imagePullPolicy: {{ dig "pullPolicy" "IfNotPresent" ($v.image | default dict) }}
  command:
    - /bin/sh
    - -c
    - |
      f={{ $seed.path | quote }}
      [ -e "$f" ] && exit 0
      mkdir -p "$(dirname "$f")"
      umask 077
      cat > "$f.kubarr-new" <<KUBARR_SEED
      {{- $seed.content | trim | nindent 6 }}
      KUBARR_SEED
      chown -R {{ int64 $v.puid }}:{{ int64 $v.pgid }} "$(dirname "$f")"
      mv "$f.kubarr-new" "$f"
  env:
    {{- range $name, $key := $seed.env }}
    - name: {{ $name }}
      valueFrom:
        secretKeyRef:
          name: {{ include "kubarr-app.credentialsSecret" $ }}
          key: {{ $key }}
    {{- end }}
  securityContext:
    runAsUser: 0
    runAsNonRoot: false
    allowPrivilegeEscalation: false
    privileged: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: ["ALL"]
      add: ["CHOWN", "DAC_OVERRIDE", "FOWNER"]
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      cpu: 100m
      memory: 64Mi
  volumeMounts:
    - name: config
      mountPath: {{ $spec.configPath }}
{{- end -}}
