{{/* The worker's pods are named apart (`<name>-worker`): the web pods' selector, and so the
Service, must not take them in. */}}
{{- define "app.workerSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-worker" (include "app.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "app.workerLabels" -}}
helm.sh/chart: {{ include "app.chart" . }}
{{ include "app.workerSelectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "app.workerFullname" -}}
{{- printf "%s-worker" (include "app.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
