// First-run screen: how to point an OpenTelemetry exporter at this engine, using the endpoint the
// engine itself reports (getInfo), so the snippet is right even on a non-default port.
import { CODING_AGENT_SETUPS } from '../../../src-shared/coding-agent-setup';
import type { ReceiverKind } from '../../../src-shared/contract';
import { useDataStore } from '../state/data-store';

function pythonSnippet(): string {
  return [
    '# pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http',
    'from opentelemetry import trace',
    'from opentelemetry.sdk.trace import TracerProvider',
    'from opentelemetry.sdk.trace.export import BatchSpanProcessor',
    'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter',
    '',
    'provider = TracerProvider()',
    'provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))',
    'trace.set_tracer_provider(provider)',
  ].join('\n');
}

function jsSnippet(): string {
  return [
    '// npm i @opentelemetry/sdk-node @opentelemetry/exporter-trace-otlp-proto',
    "import { NodeSDK } from '@opentelemetry/sdk-node';",
    "import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';",
    '',
    'new NodeSDK({ traceExporter: new OTLPTraceExporter() }).start();',
  ].join('\n');
}

export function EmptyState() {
  const info = useDataStore((s) => s.info);
  const infoError = useDataStore((s) => s.infoError);
  // A receiver whose port is busy has no endpoint to point at yet: the banner above says why.
  const listening = (kind: ReceiverKind) => info?.receivers.find((r) => r.kind === kind)?.state === 'listening';
  const endpoint = listening('otlp-http') ? info?.otlpHttpEndpoint : undefined;
  const env = endpoint
    ? [
        `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`,
        'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
        'OTEL_SERVICE_NAME=my-agent',
      ].join('\n')
    : null;

  return (
    <section className="empty-state" data-testid="empty-state">
      <h1>No traces yet</h1>
      <p>
        Point any OpenTelemetry exporter at Flowtrace and agent runs show up here as they happen. Set these
        environment variables for your agent process:
      </p>
      {env ? (
        <pre className="code" data-testid="otlp-env">
          {env}
        </pre>
      ) : (
        <p className="muted">
          {infoError
            ? `Could not ask the engine for its endpoint: ${infoError}`
            : info
              ? 'The OTLP/HTTP receiver is not listening yet (see the banner above).'
              : 'Asking the engine for its endpoint…'}
        </p>
      )}
      {info?.otlpGrpcEndpoint && listening('otlp-grpc') && (
        <p className="muted">
          gRPC works too: <code>{info.otlpGrpcEndpoint}</code> with <code>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</code>.
        </p>
      )}
      <div className="snippets">
        <div>
          <h2>Python</h2>
          <pre className="code">{pythonSnippet()}</pre>
        </div>
        <div>
          <h2>JavaScript / TypeScript</h2>
          <pre className="code">{jsSnippet()}</pre>
        </div>
      </div>
      <p className="muted">The exporters read the endpoint from the environment, so the code needs no URL.</p>
      <h2>Coding agents</h2>
      <p>
        Claude Code, Codex CLI and Gemini CLI export their own telemetry. Each run shows up under{' '}
        <a href="#/sessions">Sessions</a> (Claude Code sends no traces unless asked, so its sessions appear there, not here).
      </p>
      <div className="snippets" data-testid="coding-agent-setup">
        {CODING_AGENT_SETUPS.map((setup) => (
          <div key={setup.tool}>
            <h3>{setup.tool}</h3>
            <p className="muted">In {setup.where}:</p>
            <pre className="code">{setup.lines.join('\n')}</pre>
            {setup.traces && <p className="muted">Traces: {setup.traces}.</p>}
          </div>
        ))}
      </div>
    </section>
  );
}
