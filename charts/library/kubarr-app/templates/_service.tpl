{{/* ClusterIP Service in front of the web UI / API (port named http). */}}
{{- define "kubarr-app.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "kubarr-app.fullname" . }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "kubarr-app.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ int .Values.service.port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
{{- end -}}
