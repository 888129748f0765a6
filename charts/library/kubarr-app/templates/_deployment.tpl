{{/*
The app's Deployment: one replica, Recreate (the config volume is
ReadWriteOnce, so the old pod must let go of it before the new one starts).

Security: every container runs with seccomp RuntimeDefault, no privilege
escalation and all capabilities dropped. linuxserver.io images (spec.s6: true)
must start as root: their s6-overlay init rewrites the abc user to PUID/PGID,
chowns /config and then drops to PUID:PGID. They get back only the
capabilities that takes (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, and KILL
so the root supervisor can stop the dropped service). Images without that init
run as PUID:PGID from the start (runAsNonRoot).
*/}}
{{- define "kubarr-app.deployment" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $v := .Values -}}
{{- $credentials := include "kubarr-app.credentialsSecret" . -}}
{{- $puid := int64 $v.puid -}}
{{- $pgid := int64 $v.pgid -}}
{{- if or (lt $puid 1000) (lt $pgid 1000) -}}
{{- fail (printf "puid and pgid must be 1000 or more (system accounts are refused); got %d:%d" $puid $pgid) -}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "kubarr-app.fullname" . }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  replicas: 1
  revisionHistoryLimit: 3
  strategy:
    type: Recreate
  selector:
    matchLabels:
      {{- include "kubarr-app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "kubarr-app.labels" . | nindent 8 }}
      {{- if $spec.secretEnv }}
      annotations:
        checksum/secret: {{ include "kubarr-app.secret" . | sha256sum }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: 30
      securityContext:
        seccompProfile:
          type: RuntimeDefault
        {{- if not $spec.s6 }}
        runAsNonRoot: true
        runAsUser: {{ $puid }}
        runAsGroup: {{ $pgid }}
        fsGroup: {{ $pgid }}
        fsGroupChangePolicy: OnRootMismatch
        {{- end }}
      {{- if or (include "kubarr-app.mediaClaim" .) (and $credentials $spec.seedConfig) }}
      initContainers:
      {{- end }}
      {{- if and $credentials $spec.seedConfig }}
        {{- include "kubarr-app.seedConfig" . | nindent 8 }}
      {{- end }}
      {{- if include "kubarr-app.mediaClaim" . }}
        # Creates the shared /data layout as PUID:PGID. Never fails the pod: a
        # share that PUID cannot write is reported in this container's log.
        - name: media-layout
          image: {{ include "kubarr-app.image" . | quote }}
          imagePullPolicy: {{ dig "pullPolicy" "IfNotPresent" ($v.image | default dict) }}
          command:
            - /bin/sh
            - -c
            - |
              cd /data || exit 0
              for d in {{ include "kubarr-app.mediaLayout" . | fromJsonArray | join " " }}; do
                mkdir -p "$d" 2>/dev/null || echo "kubarr: cannot create /data/$d as uid $(id -u); make /data writable by PUID:PGID"
              done
              exit 0
          securityContext:
            runAsNonRoot: true
            runAsUser: {{ $puid }}
            runAsGroup: {{ $pgid }}
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
            limits:
              cpu: 100m
              memory: 64Mi
          volumeMounts:
            - name: media
              mountPath: /data
      {{- end }}
      containers:
        - name: {{ include "kubarr-app.name" . }}
          image: {{ include "kubarr-app.image" . | quote }}
          imagePullPolicy: {{ dig "pullPolicy" "IfNotPresent" ($v.image | default dict) }}
          ports:
            - name: http
              containerPort: {{ int $spec.port }}
              protocol: TCP
          env:
            - name: PUID
              value: {{ $puid | quote }}
            - name: PGID
              value: {{ $pgid | quote }}
            - name: TZ
              value: {{ $v.timezone | quote }}
            {{- if $spec.s6 }}
            - name: UMASK
              value: {{ $v.umask | default "002" | quote }}
            {{- end }}
            {{- range $name, $value := $spec.env }}
            - name: {{ $name }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- if $credentials }}
            {{- range $name, $value := $spec.gatewayEnv }}
            - name: {{ $name }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- range $name, $key := $spec.credentialEnv }}
            - name: {{ $name }}
              valueFrom:
                secretKeyRef:
                  name: {{ $credentials }}
                  key: {{ $key }}
            {{- end }}
            {{- end }}
            {{- range $name, $_ := $spec.secretEnv }}
            - name: {{ $name }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "kubarr-app.secretName" $ }}
                  key: {{ $name }}
                  optional: true
            {{- end }}
          startupProbe:
            {{- include "kubarr-app.probeAction" . | trim | nindent 12 }}
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 60
          readinessProbe:
            {{- include "kubarr-app.probeAction" . | trim | nindent 12 }}
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          livenessProbe:
            {{- include "kubarr-app.probeAction" . | trim | nindent 12 }}
            periodSeconds: 30
            timeoutSeconds: 10
            failureThreshold: 5
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: false
            {{- if $spec.s6 }}
            runAsNonRoot: false
            capabilities:
              drop: ["ALL"]
              add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"]
            {{- else }}
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
            {{- end }}
          volumeMounts:
            - name: config
              mountPath: {{ $spec.configPath }}
            - name: media
              mountPath: /data
      volumes:
        - name: config
          persistentVolumeClaim:
            claimName: {{ (dig "config" "existingClaim" "" ($v.persistence | default dict)) | default (include "kubarr-app.configClaimName" .) }}
        {{- include "kubarr-app.mediaVolume" . | nindent 8 }}
{{- end -}}
