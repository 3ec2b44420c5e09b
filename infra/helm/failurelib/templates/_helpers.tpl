{{/* Names and labels. */}}
{{- define "failurelib.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "failurelib.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one part: include "failurelib.selector" (list . "api") */}}
{{- define "failurelib.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "failurelib.image" -}}
image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- end -}}

{{- define "failurelib.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "failurelib.fullname" .)) -}}
{{- end -}}

{{/* What the API, the worker and the migration Job share: database, Temporal, cluster, secrets, SLA. */}}
{{- define "failurelib.commonEnv" -}}
- name: NODE_ENV
  value: production
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ required "database.existingSecret is required (a Secret with the PostgreSQL URL)" .Values.database.existingSecret | quote }}, key: {{ .Values.database.key | quote }} } }
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required" .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: TEMPORAL_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- if .Values.temporal.tls.enabled }}
- name: TEMPORAL_TLS
  value: "1"
{{- with .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- if .Values.temporal.tls.existingSecret }}
- name: TEMPORAL_TLS_CERT
  value: /etc/failurelib/temporal-tls/tls.crt
- name: TEMPORAL_TLS_KEY
  value: /etc/failurelib/temporal-tls/tls.key
{{- with .Values.temporal.tls.caKey }}
- name: TEMPORAL_TLS_CA
  value: /etc/failurelib/temporal-tls/{{ . }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.temporal.apiKey.existingSecret }}
- name: TEMPORAL_API_KEY
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $.Values.temporal.apiKey.key | quote }} } }
{{- end }}
- name: CLUSTER_DRIVER
  value: {{ .Values.cluster.driver | quote }}
- name: FL_KUBECONFIG
  value: {{ if .Values.cluster.kubeconfigSecret }}/etc/failurelib/kubeconfig/kubeconfig{{ else }}in-cluster{{ end }}
{{- if eq .Values.cluster.driver "vcluster" }}
- name: FL_VCLUSTER_SERVER
  value: {{ .Values.cluster.vcluster.server | quote }}
{{- with .Values.cluster.vcluster.chartVersion }}
- name: FL_VCLUSTER_CHART_VERSION
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: FL_OPERATOR_TOKEN
  valueFrom: { secretKeyRef: { name: {{ include "failurelib.secretName" . | quote }}, key: operator-token } }
- name: FL_CHALLENGE_SECRET
  valueFrom: { secretKeyRef: { name: {{ include "failurelib.secretName" . | quote }}, key: challenge-secret } }
- name: SLA_PROVIDER
  value: {{ .Values.sla.provider | quote }}
{{- with .Values.sla.prometheusUrl }}
- name: PROMETHEUS_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.sla.sumo.existingSecret }}
- name: SUMO_ACCESS_ID
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: access-id } }
- name: SUMO_ACCESS_KEY
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: access-key } }
- name: SUMO_HTTP_SOURCE_URL
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: http-source-url, optional: true } }
- name: SUMO_API_URL
  value: {{ $.Values.sla.sumo.apiUrl | quote }}
- name: SUMO_UI_URL
  value: {{ $.Values.sla.sumo.uiUrl | quote }}
{{- with $.Values.sla.sumo.participantEmail }}
- name: SUMO_PARTICIPANT_EMAIL
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: FL_SLA_POLL_SECONDS
  value: {{ .Values.worker.slaPollSeconds | quote }}
- name: LOG_LEVEL
  value: {{ .Values.api.logLevel | quote }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "failurelib.commonVolumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret: { secretName: {{ .Values.temporal.tls.existingSecret | quote }} }
{{- end }}
{{- with .Values.cluster.kubeconfigSecret }}
- name: kubeconfig
  secret: { secretName: {{ . | quote }} }
{{- end }}
{{- end -}}

{{- define "failurelib.commonMounts" -}}
- { name: tmp, mountPath: /tmp }
- { name: data, mountPath: /data }
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.existingSecret }}
- { name: temporal-tls, mountPath: /etc/failurelib/temporal-tls, readOnly: true }
{{- end }}
{{- if .Values.cluster.kubeconfigSecret }}
- { name: kubeconfig, mountPath: /etc/failurelib/kubeconfig, readOnly: true }
{{- end }}
{{- end -}}

{{/* Pod-level settings every part shares. */}}
{{- define "failurelib.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
securityContext: {{ toYaml .Values.podSecurityContext | nindent 2 }}
{{- if .Values.hostNetwork }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{ toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Where a part listens, inside a flow mapping: every address of the pod, or on the node's network its address only. */}}
{{- define "failurelib.listenHost" -}}
{{- if .Values.hostNetwork -}}
valueFrom: { fieldRef: { fieldPath: status.podIP } }
{{- else -}}
value: "0.0.0.0"
{{- end -}}
{{- end -}}
