/**
 * How each coding-agent CLI is pointed at Flowtrace (issue 19): the exact environment variables or
 * config keys, as each tool's own docs and code name them (test/docs/coding-agent-setup.test.ts
 * checks every name against the installed packages where they are present, and against a committed
 * list extracted from them where not). Shown in the trace list's empty state; README says the same.
 */
export interface CodingAgentSetup {
  tool: string;
  /** npm package whose docs or code name the settings. */
  npmPackage: string;
  /** Where the lines go. */
  where: string;
  /** The lines to add, exactly. */
  lines: string[];
  /** How to also send traces, where the tool has them. */
  traces: string | null;
  /** The setting names the lines use (checked against the package). */
  names: string[];
}

export const CODING_AGENT_SETUPS: readonly CodingAgentSetup[] = [
  {
    tool: 'Claude Code',
    npmPackage: '@anthropic-ai/claude-code',
    where: 'environment (or the "env" block of ~/.claude/settings.json)',
    lines: [
      'CLAUDE_CODE_ENABLE_TELEMETRY=1',
      'OTEL_METRICS_EXPORTER=otlp',
      'OTEL_LOGS_EXPORTER=otlp',
      'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318',
      'OTEL_LOG_USER_PROMPTS=1',
      'OTEL_LOG_TOOL_DETAILS=1',
    ],
    traces: 'CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 and OTEL_TRACES_EXPORTER=otlp (beta)',
    names: [
      'CLAUDE_CODE_ENABLE_TELEMETRY', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER', 'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_LOG_USER_PROMPTS', 'OTEL_LOG_TOOL_DETAILS',
      'CLAUDE_CODE_ENHANCED_TELEMETRY_BETA', 'OTEL_TRACES_EXPORTER',
    ],
  },
  {
    tool: 'Codex CLI',
    npmPackage: '@openai/codex',
    where: '~/.codex/config.toml',
    lines: [
      '[otel]',
      'log_user_prompt = true',
      'exporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/logs", protocol = "binary" } }',
      'trace_exporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/traces", protocol = "binary" } }',
      'metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/metrics", protocol = "binary" } }',
    ],
    traces: 'the trace_exporter line above',
    names: ['log_user_prompt', 'trace_exporter', 'metrics_exporter', 'otlp-http'],
  },
  {
    tool: 'Gemini CLI',
    npmPackage: '@google/gemini-cli',
    where: '~/.gemini/settings.json',
    lines: [
      '{ "telemetry": { "enabled": true, "target": "local", "otlpEndpoint": "http://127.0.0.1:4318",',
      '                 "otlpProtocol": "http", "logPrompts": true, "traces": true } }',
    ],
    traces: '"traces": true (as captured; with "logPrompts" it also puts request and response payloads on the spans)',
    names: ['otlpEndpoint', 'otlpProtocol', 'logPrompts', 'GEMINI_TELEMETRY_ENABLED', 'GEMINI_TELEMETRY_OTLP_ENDPOINT', 'GEMINI_TELEMETRY_OTLP_PROTOCOL'],
  },
];
