"""Events in: a local HTTP server that turns webhooks (generic events, Prometheus Alertmanager,
Grafana alerting) into timeline entries. No Qt: the CLI runs it, and the GUI can too."""
