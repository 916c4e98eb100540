{{/* The Secret that holds FASTAPI_DATABASE_URL: the chart's own, or database.existingSecret. */}}
{{- define "app.databaseSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "app.fullname" .) | trunc 63 | trimSuffix "-") }}
{{- end }}
