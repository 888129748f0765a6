{{/*
Kubarr app library: helpers shared by every catalog chart.

Each app chart defines one named template, "app.spec", holding the facts about
the app that a user may not change (image, web port, config path, probe, init
style, fixed env). See charts/README.md for its fields. The user-settable
values (.Values) are described by the app chart's values.schema.json.
*/}}

{{/* The app's fixed facts as a dict, with the defaults filled in. */}}
{{- define "kubarr-app.spec" -}}
{{- $spec := fromYaml (include "app.spec" .) -}}
{{- if hasKey $spec "Error" -}}
{{- fail (printf "app.spec of chart %s is not valid YAML: %s" .Chart.Name $spec.Error) -}}
{{- end -}}
{{- range $key := list "image" "tag" "port" "probe" -}}
{{- if not (hasKey $spec $key) -}}
{{- fail (printf "app.spec of chart %s lacks %q" $.Chart.Name $key) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $spec "configPath" ($spec.configPath | default "/config") -}}
{{- $_ := set $spec "s6" (ternary $spec.s6 true (hasKey $spec "s6")) -}}
{{- $_ := set $spec "env" ($spec.env | default dict) -}}
{{- $_ := set $spec "secretEnv" ($spec.secretEnv | default dict) -}}
{{- toYaml $spec -}}
{{- end -}}

{{/* Catalog name of the app (= chart name = namespace Kubarr installs it into). */}}
{{- define "kubarr-app.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the objects: the release name (Kubarr uses the app name). */}}
{{- define "kubarr-app.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kubarr-app.configClaimName" -}}
{{- printf "%s-config" (include "kubarr-app.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{- define "kubarr-app.secretName" -}}
{{- printf "%s-secret" (include "kubarr-app.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{/* Image tag in use: the user's image.tag if set, else the chart's pinned tag. */}}
{{- define "kubarr-app.imageTag" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- (dig "tag" "" (.Values.image | default dict)) | default $spec.tag -}}
{{- end -}}

{{- define "kubarr-app.image" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- printf "%s:%s" $spec.image (include "kubarr-app.imageTag" .) -}}
{{- end -}}

{{/* app.kubernetes.io/version: appVersion, or the overriding image tag. */}}
{{- define "kubarr-app.version" -}}
{{- $tag := dig "tag" "" (.Values.image | default dict) -}}
{{- $raw := ($tag | default .Chart.AppVersion) | toString -}}
{{- regexReplaceAll "[^A-Za-z0-9_.-]" $raw "_" | trunc 63 | trimSuffix "-" | trimSuffix "_" | trimSuffix "." -}}
{{- end -}}

{{- define "kubarr-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubarr-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Standard labels carried by every object (and the pod template). */}}
{{- define "kubarr-app.labels" -}}
{{ include "kubarr-app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "kubarr-app.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kubarr
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
kubarr.io/app: {{ include "kubarr-app.name" . }}
{{- end -}}

{{/* Peer apps from the Chart.yaml annotation kubarr.io/peers, as a JSON list. */}}
{{- define "kubarr-app.peers" -}}
{{- $raw := index (.Chart.Annotations | default dict) "kubarr.io/peers" | default "" -}}
{{- $out := list -}}
{{- range splitList "," $raw -}}
{{- $p := trim . -}}
{{- if $p -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $p) -}}
{{- fail (printf "kubarr.io/peers of chart %s: %q is not an app name" $.Chart.Name $p) -}}
{{- end -}}
{{- $out = append $out $p -}}
{{- end -}}
{{- end -}}
{{- $out | uniq | toJson -}}
{{- end -}}

{{/*
The shared media volume, mounted whole at /data by every app so that hardlinks
and atomic moves work between /data/torrents, /data/usenet and /data/media.
Kubarr creates the claim (kubarr.media.claimName), bound to a volume with the
storage the administrator chose; without one the app gets an empty scratch
directory. The chart itself never mounts a host path.
*/}}
{{- define "kubarr-app.mediaClaim" -}}
{{- dig "media" "claimName" "" (.Values.kubarr | default dict) -}}
{{- end -}}

{{- define "kubarr-app.mediaVolume" -}}
{{- $claim := include "kubarr-app.mediaClaim" . -}}
- name: media
{{- if $claim }}
  persistentVolumeClaim:
    claimName: {{ $claim | quote }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{/* Directories of the shared media layout (TRaSH guides), relative to /data. */}}
{{- define "kubarr-app.mediaLayout" -}}
{{- $kinds := list "tv" "movies" "music" "books" -}}
{{- $dirs := list -}}
{{- range $kinds }}{{ $dirs = append $dirs (printf "torrents/%s" .) }}{{ end -}}
{{- $dirs = append $dirs "usenet/incomplete" -}}
{{- range $kinds }}{{ $dirs = append $dirs (printf "usenet/complete/%s" .) }}{{ end -}}
{{- range $kinds }}{{ $dirs = append $dirs (printf "media/%s" .) }}{{ end -}}
{{- toJson $dirs -}}
{{- end -}}

{{/* One HTTP or TCP probe action against the named container port "http". */}}
{{- define "kubarr-app.probeAction" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- if $spec.probe.http }}
httpGet:
  path: {{ $spec.probe.http | quote }}
  port: http
{{- else if $spec.probe.tcp }}
tcpSocket:
  port: http
{{- else }}
{{- fail (printf "app.spec of chart %s: probe needs http: <path> or tcp: true" .Chart.Name) }}
{{- end }}
{{- end -}}
