"""Sends one agent trace, its log records and GenAI metrics to Flowtrace with the official Python
OpenTelemetry SDK and OTLP exporters, then prints what it sent (JSON) for the test to compare.

Usage: send_otlp.py grpc|http ENDPOINT
Exits non-zero unless every exporter reports success."""
import json
import sys

from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricExportResult
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk._logs.export import LogRecordExportResult

protocol, endpoint = sys.argv[1], sys.argv[2]
if protocol == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    span_exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True)
    log_exporter = OTLPLogExporter(endpoint=endpoint, insecure=True)
    metric_exporter = OTLPMetricExporter(endpoint=endpoint, insecure=True)
else:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    span_exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
    log_exporter = OTLPLogExporter(endpoint=f"{endpoint}/v1/logs")
    metric_exporter = OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics")

service = f"python-interop-{protocol}"
resource = Resource.create({"service.name": service, "deployment.environment.name": "test"})

# Record into memory first, then hand the records to the OTLP exporters directly, so each export's
# own result (success or failure) is what decides this script's exit code.
spans_memory = InMemorySpanExporter()
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(spans_memory))
tracer = tracer_provider.get_tracer("python-interop", "1.0.0")

logs_memory = InMemoryLogRecordExporter()
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs_memory))
logger = logger_provider.get_logger("python-interop")

reader = InMemoryMetricReader()
meter = MeterProvider(resource=resource, metric_readers=[reader]).get_meter("python-interop")
token_usage = meter.create_histogram("gen_ai.client.token.usage", unit="{token}")
requests = meter.create_counter("agent.requests")

with tracer.start_as_current_span("invoke_agent planner", attributes={"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner"}) as root:
    with tracer.start_as_current_span(
        "chat gpt-4o-mini",
        kind=trace.SpanKind.CLIENT,
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 120,
            "gen_ai.usage.output_tokens": 42,
            "gen_ai.request.temperature": 0.25,
            "gen_ai.response.finish_reasons": ["tool_calls"],
            "streamed": True,
        },
    ) as chat:
        chat.add_event("gen_ai.choice", {"index": 0})
        logger.emit(body="model asked for search_hotels", severity_number=SeverityNumber.INFO, severity_text="INFO", attributes={"gen_ai.tool.name": "search_hotels"})
    with tracer.start_as_current_span("execute_tool search_hotels", attributes={"gen_ai.tool.name": "search_hotels"}) as tool:
        tool.set_status(trace.Status(trace.StatusCode.ERROR, "upstream timeout"))
        logger.emit(body="search_hotels failed", severity_number=SeverityNumber.ERROR, severity_text="ERROR")
    token_usage.record(120, {"gen_ai.token.type": "input", "gen_ai.request.model": "gpt-4o-mini"})
    token_usage.record(42, {"gen_ai.token.type": "output", "gen_ai.request.model": "gpt-4o-mini"})
    requests.add(3, {"agent": "planner"})

spans = spans_memory.get_finished_spans()
logs = logs_memory.get_finished_logs()
metrics = reader.get_metrics_data()

results = {
    "traces": span_exporter.export(spans) == SpanExportResult.SUCCESS,
    "logs": log_exporter.export(logs) == LogRecordExportResult.SUCCESS,
    "metrics": metric_exporter.export(metrics) == MetricExportResult.SUCCESS,
}

def hex_id(n, width):
    return format(n, f"0{width}x")

sent = {
    "service": service,
    "results": results,
    "traceId": hex_id(root.get_span_context().trace_id, 32),
    "spans": [
        {
            "spanId": hex_id(s.context.span_id, 16),
            "parentSpanId": hex_id(s.parent.span_id, 16) if s.parent else None,
            "name": s.name,
            "attributes": {k: (list(v) if isinstance(v, tuple) else v) for k, v in (s.attributes or {}).items()},
            "status": s.status.status_code.name.lower(),
            "startTimeUnixNano": str(s.start_time),
            "endTimeUnixNano": str(s.end_time),
            "events": [e.name for e in s.events],
        }
        for s in spans
    ],
    "logs": [
        {
            "body": l.log_record.body,
            "severityText": l.log_record.severity_text,
            "severityNumber": l.log_record.severity_number.value,
            "spanId": hex_id(l.log_record.span_id, 16) if l.log_record.span_id else None,
            "traceId": hex_id(l.log_record.trace_id, 32) if l.log_record.trace_id else None,
        }
        for l in logs
    ],
}
print(json.dumps(sent))
span_exporter.shutdown()
log_exporter.shutdown()
metric_exporter.shutdown()
sys.exit(0 if all(results.values()) else 1)
