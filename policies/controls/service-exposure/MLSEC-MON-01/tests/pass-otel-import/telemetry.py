from opentelemetry import metrics

REQUESTS = metrics.get_meter('serve').create_counter('requests')
