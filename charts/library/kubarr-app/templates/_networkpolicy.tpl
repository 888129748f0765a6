{{/*
One NetworkPolicy selecting every pod of the app's namespace. Because it
selects them for both Ingress and Egress, anything not allowed below is denied
(default deny). Allowed:
  ingress  - to the web port from Kubarr's namespace (kubarr.namespace)
           - to the web port from the peer apps (kubarr.io/peers)
           - to the web port from networkPolicy.allowIngressFromNamespaces / ...CIDRs
           - Ingress mode: to the web port from kubarr.ingress.controllerNamespace
  egress   - DNS (UDP/TCP 53) to kube-system
           - to the peer apps (their own policies limit the ports)
           - to the internet: any public IPv4/IPv6 address, but no private,
             shared (CGNAT) or link-local range, so no cluster-internal or LAN host.
Peers live in namespaces named after them and labelled kubarr.io/app=<peer>.
*/}}
{{- define "kubarr-app.networkpolicy" -}}
{{- $spec := include "kubarr-app.spec" . | fromYaml -}}
{{- $peers := include "kubarr-app.peers" . | fromJsonArray -}}
{{- $np := .Values.networkPolicy | default dict -}}
{{- $extraNs := $np.allowIngressFromNamespaces | default list -}}
{{- $extraCidrs := $np.allowIngressFromCIDRs | default list -}}
{{- $ingress := (.Values.kubarr | default dict).ingress | default dict -}}
{{- $controllerNs := ternary ($ingress.controllerNamespace | default "") "" (not (empty $ingress.controller)) -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "kubarr-app.fullname" . }}
  labels:
    {{- include "kubarr-app.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ required "kubarr.namespace is required" .Values.kubarr.namespace | quote }}
      ports:
        - protocol: TCP
          port: {{ int $spec.port }}
    {{- if $peers }}
    - from:
        - namespaceSelector:
            matchExpressions:
              - key: kubarr.io/app
                operator: In
                values:
                  {{- toYaml $peers | nindent 18 }}
      ports:
        - protocol: TCP
          port: {{ int $spec.port }}
    {{- end }}
    {{- if or $extraNs $extraCidrs }}
    - from:
        {{- range $extraNs }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . | quote }}
        {{- end }}
        {{- range $extraCidrs }}
        - ipBlock:
            cidr: {{ . | quote }}
        {{- end }}
      ports:
        - protocol: TCP
          port: {{ int $spec.port }}
    {{- end }}
    {{- if $controllerNs }}
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $controllerNs | quote }}
      ports:
        - protocol: TCP
          port: {{ int $spec.port }}
    {{- end }}
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
    {{- if $peers }}
    - to:
        - namespaceSelector:
            matchExpressions:
              - key: kubarr.io/app
                operator: In
                values:
                  {{- toYaml $peers | nindent 18 }}
    {{- end }}
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              - 10.0.0.0/8
              - 172.16.0.0/12
              - 192.168.0.0/16
              - 100.64.0.0/10
              - 169.254.0.0/16
        - ipBlock:
            cidr: "::/0"
            except:
              - fc00::/7
              - fe80::/10
{{- end -}}
