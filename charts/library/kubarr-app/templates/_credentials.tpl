{{/*
Credentials Kubarr generated for the app. Kubarr writes them to a Secret in the app's namespace
before every install and upgrade and names it in kubarr.credentials.secretName; Helm never sees
the values. With no Secret named (a plain `helm install`), nothing here renders and the app keeps
its own defaults.

From the app spec:
  credentialEnv  ENV_NAME: secret key   env taken from the Secret (api-key, username, password, …)
  gatewayEnv     ENV_NAME: value        fixed env that holds only while Kubarr manages sign-in
  seedConfig     config files written once, before the app's first start, each when it is absent:
                 {path, content, env: {VAR: secret key}} or a list of them; content may use
                 ${VAR}. A file the user edited later is never touched again.
*/}}
{{- define "kubarr-app.credentialsSecret" -}}
{{- dig "credentials" "secretName" "" (.Values.kubarr | default dict) -}}
{{- end -}}

{{/*
The seed files of the app spec: seedConfig is one {path, content, env} or a list of them.
*/}}
{{- define "kubarr-app.seedFiles" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $seed := $spec.seedConfig | default list -}}
{{- if kindIs "map" $seed }}{{ $seed = list $seed }}{{ end -}}
{{- toJson $seed -}}
{{- end -}}

{{/*
The init container that seeds spec.seedConfig. It runs as root with only the rights to create the
files and give them to PUID:PGID (the config volume may still belong to root before the app's own
init has run), and reads the secret values from the environment, never from a rendered file. Each
file is written only when it is absent, on its own: one the user kept or edited is never touched.
*/}}
{{- define "kubarr-app.seedConfig" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $files := include "kubarr-app.seedFiles" . | fromJsonArray -}}
{{- $v := .Values -}}
{{- $owner := printf "%d:%d" (int64 $v.puid) (int64 $v.pgid) -}}
{{- $env := dict -}}
{{- range $files }}{{ range $name, $key := (.env | default dict) }}{{ $_ := set $env $name $key }}{{ end }}{{ end -}}
- name: seed-config
  image: {{ include "kubarr-app.image" . | quote }}
  imagePullPolicy: {{ dig "pullPolicy" "IfNotPresent" ($v.image | default dict) }}
  command:
    - /bin/sh
    - -c
    - |
      set -e
      umask 077
      {{- range $files }}
      f={{ .path | quote }}
      if [ ! -e "$f" ]; then
      mkdir -p "$(dirname "$f")"
      cat > "$f.kubarr-new" <<KUBARR_SEED
      {{- .content | trim | nindent 6 }}
      KUBARR_SEED
      chown {{ $owner }} "$(dirname "$f")" "$f.kubarr-new"
      mv "$f.kubarr-new" "$f"
      fi
      {{- end }}
  env:
    {{- range $name, $key := $env }}
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
