/**
 * Deterministic generator of realistic AI-agent traces for the storage benchmarks.
 *
 * Spans are recorded by the real OpenTelemetry SDK (TracerProvider, one per service) with explicit
 * start/end/event times and ids drawn from a seeded PRNG through the SDK's `idGenerator` hook, then
 * encoded as OTLP protobuf by the real `ProtobufTraceSerializer` — the bytes an agent would send.
 * The same seed and options always give the same bytes.
 *
 * Finished spans are collected by a minimal `SpanProcessor` rather than SimpleSpanProcessor +
 * InMemorySpanExporter: the latter schedules a promise and a `setTimeout` per span, which for
 * millions of spans costs more than recording them (measure with `node --import tsx bench/gen/self-check.ts`).
 *
 * Shapes (GenAI semantic conventions): `invoke_agent <agent>` root → turns of `chat <model>` LLM spans
 * (tokens, temperature, finish reasons, sometimes `gen_ai.input.messages`), `execute_tool <tool>` spans
 * (some failing, with an `exception` event, some with an outgoing HTTP child), and `retrieval <source>`
 * spans (some with an `embeddings <model>` child). About 10 spans per trace and ~10 attributes per span.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { TracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (sfc32, seeded through splitmix32): fast, 128-bit state, good enough for ids.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** [0, 1) */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  /** Log-normal-ish positive value around `median` (spread ~ factor of e^sigma). */
  logNormal(median: number, sigma: number): number {
    // Box–Muller.
    const u = 1 - this.float();
    const v = this.float();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 2) {
      const x = this.u32();
      out += HEX_BYTE[x & 0xff]! + HEX_BYTE[(x >>> 8) & 0xff]!;
    }
    return out.length === bytes * 2 ? out : out.slice(0, bytes * 2);
  }
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// ---------------------------------------------------------------------------------------------
// The world the agents live in. Exported so the benchmark can pick filter values that exist.

interface ModelInfo {
  model: string;
  provider: string;
  server: string;
  /** Median latency, ms. */
  latencyMs: number;
}

export const MODELS: readonly ModelInfo[] = [
  { model: 'gpt-4o', provider: 'openai', server: 'api.openai.com', latencyMs: 1800 },
  { model: 'gpt-4o-mini', provider: 'openai', server: 'api.openai.com', latencyMs: 700 },
  { model: 'o3-mini', provider: 'openai', server: 'api.openai.com', latencyMs: 4500 },
  { model: 'claude-sonnet-4', provider: 'anthropic', server: 'api.anthropic.com', latencyMs: 2200 },
  { model: 'claude-3-5-haiku', provider: 'anthropic', server: 'api.anthropic.com', latencyMs: 800 },
  { model: 'gemini-2.0-flash', provider: 'gcp.gemini', server: 'generativelanguage.googleapis.com', latencyMs: 900 },
];

function modelInfo(model: string): ModelInfo {
  const m = MODELS.find((x) => x.model === model);
  if (!m) throw new Error(`unknown model ${model}`);
  return m;
}

interface ServiceInfo {
  name: string;
  weight: number;
  agents: readonly string[];
  tools: readonly string[];
  models: readonly string[];
  sources: readonly string[];
}

export const SERVICES: readonly ServiceInfo[] = [
  {
    name: 'travel-agent',
    weight: 30,
    agents: ['planner', 'booker'],
    tools: ['search_flights', 'search_hotels', 'book_flight', 'get_weather', 'convert_currency'],
    models: ['gpt-4o', 'gpt-4o-mini'],
    sources: ['destinations_kb', 'policy_docs'],
  },
  {
    name: 'support-bot',
    weight: 25,
    agents: ['triage', 'resolver'],
    tools: ['lookup_order', 'issue_credit', 'create_ticket', 'send_email'],
    models: ['claude-sonnet-4', 'claude-3-5-haiku'],
    sources: ['help_center', 'order_history'],
  },
  {
    name: 'code-assistant',
    weight: 20,
    agents: ['coder', 'reviewer'],
    tools: ['read_file', 'run_tests', 'apply_patch', 'grep_repo'],
    models: ['claude-sonnet-4', 'o3-mini', 'gpt-4o'],
    sources: ['repo_index'],
  },
  {
    name: 'research-agent',
    weight: 15,
    agents: ['researcher', 'summarizer'],
    tools: ['web_search', 'fetch_url', 'extract_tables'],
    models: ['gemini-2.0-flash', 'gpt-4o'],
    sources: ['papers_index', 'web_cache'],
  },
  {
    name: 'sales-copilot',
    weight: 10,
    agents: ['prospector'],
    tools: ['crm_lookup', 'draft_email', 'schedule_meeting'],
    models: ['gpt-4o-mini', 'claude-3-5-haiku'],
    sources: ['crm_notes'],
  },
];

const TOPICS = [
  'flight', 'hotel', 'invoice', 'order', 'delivery', 'password', 'subscription', 'upgrade', 'meeting',
  'report', 'budget', 'contract', 'weather', 'itinerary', 'warranty', 'shipment', 'account', 'discount',
  'schedule', 'summary', 'dataset', 'deployment', 'benchmark', 'migration', 'invoice', 'renewal',
];
const VERBS = ['change', 'cancel', 'find', 'compare', 'explain', 'summarize', 'check', 'update', 'review', 'plan'];
const PLACES = ['Lisbon', 'Osaka', 'Denver', 'Nairobi', 'Oslo', 'Lima', 'Hanoi', 'Quebec', 'Tallinn', 'Perth'];

/** A word in the user prompt of ~3% of traces (and nowhere else): the "common" full-text query. */
export const FT_COMMON_WORD = 'passport';
export const FT_COMMON_RATE = 0.03;
/** A word in the user prompt of ~0.05% of traces: the "rare" full-text query. */
export const FT_RARE_WORD = 'zanzibar';
export const FT_RARE_RATE = 0.0005;

type FinishReason = 'stop' | 'tool_calls' | 'length';
const SCOPE = { name: 'flowtrace-bench-agents', version: '1.4.2' };

// ---------------------------------------------------------------------------------------------

/** What the benchmark needs to know about one generated trace (for filters and expectations). */
export interface TraceFacts {
  traceId: string;
  service: string;
  rootName: string;
  spanCount: number;
  errorCount: number;
  /** Trace start, unix microseconds. */
  startUs: number;
  durationMs: number;
  spanNames: Set<string>;
  models: Set<string>;
  /** The root's `user.id`. */
  userId: string;
  words: { common: boolean; rare: boolean };
}

export interface GeneratedTrace {
  facts: TraceFacts;
  spans: ReadableSpan[];
}

export interface GeneratorOptions {
  /** Default 42. */
  seed?: number;
  /** Start of the first trace, unix ms. Default 2025-06-02T08:00:00Z. */
  startTimeMs?: number;
  /** Mean gap between consecutive trace starts, ms. Default 400 (100k traces ≈ 11 hours). */
  traceIntervalMs?: number;
  /**
   * Runs share their `session.id` among this many sessions (picked at random per run), as a chat
   * app's turns do. Default: every run a session of its own.
   */
  sessions?: number;
}

/** Collects finished spans synchronously, in end order (what a BatchSpanProcessor would queue). */
export class CollectingProcessor implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Microseconds since the epoch as the SDK's HrTime. */
export function hr(us: number): HrTime {
  const s = Math.floor(us / 1e6);
  return [s, Math.round((us - s * 1e6) * 1000)];
}

interface Question {
  text: string;
  common: boolean;
  rare: boolean;
}

interface TraceBuild {
  facts: TraceFacts;
  /** Spans still allowed in this trace (Infinity for normal traces). */
  budget: number;
  service: ServiceInfo;
  tracer: Tracer;
}

export class AgentSpanGenerator {
  readonly rng: Rng;
  private readonly collector = new CollectingProcessor();
  private readonly tracers = new Map<string, Tracer>();
  private nextStartUs: number;
  private readonly intervalUs: number;
  private readonly sessions: number | undefined;
  private traceCount = 0;
  /** Totals over everything generated so far. */
  readonly totals = { traces: 0, spans: 0, attributes: 0, events: 0 };

  constructor(options: GeneratorOptions = {}) {
    this.rng = new Rng(options.seed ?? 42);
    this.nextStartUs = (options.startTimeMs ?? Date.UTC(2025, 5, 2, 8, 0, 0)) * 1000;
    this.intervalUs = (options.traceIntervalMs ?? 400) * 1000;
    this.sessions = options.sessions;
    const rng = this.rng;
    const idGenerator: IdGenerator = {
      generateTraceId: () => rng.hex(16),
      generateSpanId: () => rng.hex(8),
    };
    for (const [i, svc] of SERVICES.entries()) {
      const provider = new TracerProvider({
        resource: resourceFromAttributes({
          'service.name': svc.name,
          'service.version': `2.${i}.0`,
          'service.instance.id': `${svc.name}-0${i}`,
          'deployment.environment.name': 'production',
          'host.name': `agent-host-${i}`,
          'telemetry.sdk.name': 'opentelemetry',
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.version': '2.12.1',
        }),
        idGenerator,
        spanProcessors: [this.collector],
      });
      this.tracers.set(svc.name, provider.getTracer(SCOPE.name, SCOPE.version));
    }
  }

  /** The start time the next trace will get, unix ms (for time-window filters). */
  get nextStartMs(): number {
    return this.nextStartUs / 1000;
  }

  /** One ordinary agent run (~10 spans). */
  nextTrace(): GeneratedTrace {
    const service = this.rng.weighted(SERVICES.map((s) => [s, s.weight] as const));
    const startUs = this.advanceClock();
    return this.record(service, startUs, Infinity, (b, ctx, t) => this.agentRun(b, ctx, t, this.rng.pick(service.agents), true));
  }

  /**
   * One big trace of exactly `spanCount` spans: an orchestrator agent fanning out to worker-agent runs
   * (each an ordinary run) over 8 parallel lanes. Starts at `startMs` (unix ms) when given, else at
   * the next slot of the clock.
   */
  bigTrace(spanCount: number, startMs?: number): GeneratedTrace {
    const service = SERVICES[2]!;
    const startUs = startMs === undefined ? this.advanceClock() : Math.round(startMs * 1000);
    return this.record(service, startUs, spanCount, (b, ctx, t0) => {
      const lanes = new Array<number>(8).fill(t0 + 1000);
      let end = t0 + 1000;
      for (let i = 0; b.budget > 0 && i < spanCount; i++) {
        let lane = 0;
        for (let l = 1; l < lanes.length; l++) if (lanes[l]! < lanes[lane]!) lane = l;
        const runEnd = this.agentRun(b, ctx, lanes[lane]!, 'worker', false);
        lanes[lane] = runEnd + this.rng.int(100, 2000);
        if (runEnd > end) end = runEnd;
      }
      return end;
    }, 'orchestrator');
  }

  /** A run's conversation and session ids: its own, or (options.sessions) one of the pool's, the same in both. */
  private sessionIds(): Record<'gen_ai.conversation.id' | 'session.id', string> {
    if (this.sessions === undefined) return { 'gen_ai.conversation.id': `conv_${this.rng.hex(8)}`, 'session.id': `sess_${this.rng.hex(6)}` };
    const n = this.rng.int(1, this.sessions);
    return { 'gen_ai.conversation.id': `sess_${n}`, 'session.id': `sess_${n}` };
  }

  private advanceClock(): number {
    const startUs = this.nextStartUs;
    // Exponential gaps: Poisson arrivals around the mean interval, at whole microseconds.
    this.nextStartUs += Math.max(1, Math.round(-Math.log(1 - this.rng.float()) * this.intervalUs));
    return startUs;
  }

  /**
   * Records one trace: a root `invoke_agent` span whose body is produced by `body` (which returns the
   * time its last child ended), then collects the finished spans.
   */
  private record(
    service: ServiceInfo,
    startUs: number,
    budget: number,
    body: (b: TraceBuild, ctx: Context, t: number) => number,
    rootAgent?: string,
  ): GeneratedTrace {
    const tracer = this.tracers.get(service.name)!;
    const agent = rootAgent ?? this.rng.pick(service.agents);
    const facts: TraceFacts = {
      traceId: '',
      service: service.name,
      rootName: `invoke_agent ${agent}`,
      spanCount: 0,
      errorCount: 0,
      startUs,
      durationMs: 0,
      spanNames: new Set(),
      models: new Set(),
      userId: `user_${this.rng.int(1, 5000)}`,
      words: { common: false, rare: false },
    };
    const b: TraceBuild = { facts, budget, service, tracer };
    this.collector.spans = [];
    const model = this.rng.pick(service.models);
    facts.models.add(model);
    const root = this.start(b, ROOT_CONTEXT, facts.rootName, SpanKind.INTERNAL, startUs, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'gen_ai.agent.id': `asst_${this.rng.hex(6)}`,
      'gen_ai.provider.name': modelInfo(model).provider,
      'gen_ai.request.model': model,
      ...this.sessionIds(),
      'user.id': facts.userId,
      'gen_ai.agent.description': `${agent} agent of ${service.name}`,
    });
    facts.traceId = root.spanContext().traceId;
    const ctx = trace.setSpan(ROOT_CONTEXT, root);
    const endUs = body(b, ctx, startUs + this.rng.int(200, 3000));
    // An agent that hit a tool error gives up in ~30% of runs.
    if (facts.errorCount > 0 && this.rng.chance(0.3)) this.fail(b, root, 'AgentError', 'agent gave up after a failed tool call', endUs);
    const rootEnd = endUs + this.rng.int(100, 2000);
    root.end(hr(rootEnd));
    facts.durationMs = (rootEnd - startUs) / 1000;
    const spans = this.collector.spans;
    this.collector.spans = [];
    this.traceCount++;
    this.totals.traces++;
    this.totals.spans += spans.length;
    for (const s of spans) {
      this.totals.attributes += Object.keys(s.attributes).length;
      this.totals.events += s.events.length;
    }
    return { facts, spans };
  }

  private start(b: TraceBuild, parent: Context, name: string, kind: SpanKind, startUs: number, attributes: Attributes): Span {
    b.budget--;
    b.facts.spanCount++;
    b.facts.spanNames.add(name);
    return b.tracer.startSpan(name, { kind, startTime: hr(startUs), attributes }, parent);
  }

  private fail(b: TraceBuild, span: Span, type: string, message: string, atUs: number): void {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute('error.type', type);
    span.addEvent('exception', { 'exception.type': type, 'exception.message': message }, hr(atUs));
    b.facts.errorCount++;
  }

  /** One agent run under `parent` starting at `t`: an `invoke_agent` span unless `asRoot`. Returns its end time. */
  private agentRun(b: TraceBuild, parent: Context, t: number, agent: string, asRoot: boolean): number {
    let ctx = parent;
    let span: Span | null = null;
    if (!asRoot) {
      const model = this.rng.pick(b.service.models);
      b.facts.models.add(model);
      span = this.start(b, parent, `invoke_agent ${agent}`, SpanKind.INTERNAL, t, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': agent,
        'gen_ai.agent.id': `asst_${this.rng.hex(6)}`,
        'gen_ai.conversation.id': `conv_${this.rng.hex(8)}`,
        'gen_ai.request.model': model,
      });
      ctx = trace.setSpan(parent, span);
      t += this.rng.int(100, 1000);
    }
    const turns = this.rng.weighted([[2, 2], [3, 4], [4, 3], [5, 1]] as const);
    const question = this.question();
    for (let turn = 0; turn < turns && b.budget > 0; turn++) {
      const last = turn === turns - 1;
      t = this.chat(b, ctx, t, turn === 0 ? question : null, last ? 'stop' : 'tool_calls');
      if (last) break;
      if (b.budget > 0 && this.rng.chance(0.3)) t = this.retrieval(b, ctx, t, agent);
      const tools = this.rng.chance(0.85) ? this.rng.weighted([[1, 4], [2, 4], [3, 2]] as const) : 0;
      for (let i = 0; i < tools && b.budget > 0; i++) t = this.tool(b, ctx, t, agent);
    }
    if (span) {
      t += this.rng.int(50, 500);
      span.end(hr(t));
    }
    return t;
  }

  /**
   * The user's request for this run; carries the full-text probe words at their fixed rates. The
   * trace's facts record a probe word only once a span carries the question (see `chat`).
   */
  private question(): Question {
    const rng = this.rng;
    const words = [rng.pick(VERBS), 'my', rng.pick(TOPICS), 'for', rng.pick(PLACES)];
    const common = rng.chance(FT_COMMON_RATE);
    if (common) words.push('and', 'my', FT_COMMON_WORD);
    const rare = rng.chance(FT_RARE_RATE);
    if (rare) words.push('near', FT_RARE_WORD);
    return { text: `Please ${words.join(' ')} before ${rng.int(1, 28)} ${rng.pick(['March', 'April', 'May', 'June'])}.`, common, rare };
  }

  private chat(b: TraceBuild, parent: Context, t: number, question: Question | null, finish: FinishReason): number {
    const rng = this.rng;
    const m = modelInfo(rng.pick(b.service.models));
    b.facts.models.add(m.model);
    const input = rng.int(300, 6000);
    const output = finish === 'tool_calls' ? rng.int(20, 200) : rng.int(80, 900);
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': m.provider,
      'gen_ai.request.model': m.model,
      'gen_ai.response.model': `${m.model}-2025-0${rng.int(1, 5)}-1${rng.int(0, 9)}`,
      'gen_ai.response.id': `chatcmpl-${rng.hex(10)}`,
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'gen_ai.request.temperature': rng.pick([0, 0.2, 0.7, 1]),
      'gen_ai.request.max_tokens': rng.pick([1024, 2048, 4096]),
      'server.address': m.server,
      'gen_ai.response.finish_reasons': [rng.chance(0.02) ? 'length' : finish],
    };
    // The first call of a run always carries the conversation (it holds the user's question);
    // later calls carry it a third of the time, as instrumentations with content capture often do.
    if (question !== null) {
      if (question.common) b.facts.words.common = true;
      if (question.rare) b.facts.words.rare = true;
    }
    if (question !== null || rng.chance(0.33)) {
      attributes['gen_ai.input.messages'] = JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: `You are the ${b.service.name} assistant. Use tools when facts are needed; never invent bookings or prices.` }] },
        { role: 'user', parts: [{ type: 'text', content: question?.text ?? 'Continue with the results above.' }] },
      ]);
    }
    const span = this.start(b, parent, `chat ${m.model}`, SpanKind.CLIENT, t, attributes);
    const dur = Math.round(rng.logNormal(m.latencyMs, 0.5) * 1000);
    if (rng.chance(0.08)) {
      span.addEvent('gen_ai.content.filter', { 'gen_ai.filter.category': 'none', 'gen_ai.filter.score': rng.float() / 10 }, hr(t + Math.round(dur / 2)));
    }
    span.end(hr(t + dur));
    return t + dur + rng.int(1000, 20000);
  }

  private tool(b: TraceBuild, parent: Context, t: number, agent: string): number {
    const rng = this.rng;
    const name = rng.pick(b.service.tools);
    const span = this.start(b, parent, `execute_tool ${name}`, SpanKind.INTERNAL, t, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': name,
      'gen_ai.tool.call.id': `call_${rng.hex(8)}`,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.description': `${name.replace('_', ' ')} via the internal API`,
      'gen_ai.tool.call.arguments': JSON.stringify({ query: rng.pick(TOPICS), limit: rng.int(1, 20) }),
      'gen_ai.agent.name': agent,
      'code.function.name': `tools.${name}`,
      'thread.id': rng.int(1, 16),
    });
    let end = t + Math.round(rng.logNormal(60_000, 1.2));
    if (b.budget > 0 && rng.chance(0.3)) {
      const ctx = trace.setSpan(parent, span);
      const hs = t + rng.int(200, 2000);
      const he = hs + Math.round(rng.logNormal(80_000, 0.8));
      const status = rng.chance(0.03) ? 503 : 200;
      const http = this.start(b, ctx, 'GET', SpanKind.CLIENT, hs, {
        'http.request.method': 'GET',
        'url.full': `https://api.internal.example/${name}?id=${rng.int(1, 99999)}`,
        'server.address': 'api.internal.example',
        'server.port': 443,
        'http.response.status_code': status,
        'network.protocol.version': '1.1',
        'url.scheme': 'https',
        'url.path': `/${name}`,
        'user_agent.original': 'undici/6.21.0',
      });
      if (status >= 500) this.fail(b, http, '503', 'Service Unavailable', he);
      http.end(hr(he));
      end = Math.max(end, he + rng.int(100, 1000));
    }
    if (rng.chance(0.04)) this.fail(b, span, 'ToolError', `${name} failed: upstream timed out after 30s`, end);
    span.end(hr(end));
    return end + rng.int(200, 3000);
  }

  private retrieval(b: TraceBuild, parent: Context, t: number, agent: string): number {
    const rng = this.rng;
    const source = rng.pick(b.service.sources);
    const span = this.start(b, parent, `retrieval ${source}`, SpanKind.CLIENT, t, {
      'gen_ai.operation.name': 'retrieval',
      'gen_ai.data_source.id': source,
      'db.system.name': 'sqlite-vec',
      'gen_ai.request.top_k': rng.pick([3, 5, 10]),
      'gen_ai.retrieval.documents_count': rng.int(0, 10),
      'db.query.text': `${rng.pick(VERBS)} ${rng.pick(TOPICS)}`,
      'db.namespace': `${b.service.name}.vectors`,
      'gen_ai.agent.name': agent,
      'server.address': 'localhost',
      'gen_ai.embeddings.dimension.count': 1536,
    });
    let end = t + Math.round(rng.logNormal(40_000, 0.6));
    if (b.budget > 0 && rng.chance(0.5)) {
      const ctx = trace.setSpan(parent, span);
      const es = t + rng.int(100, 1000);
      const ee = es + Math.round(rng.logNormal(30_000, 0.5));
      this.start(b, ctx, 'embeddings text-embedding-3-small', SpanKind.CLIENT, es, {
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': rng.int(5, 60),
        'gen_ai.embeddings.dimension.count': 1536,
        'gen_ai.request.encoding_formats': ['float'],
        'server.address': 'api.openai.com',
        'server.port': 443,
      }).end(hr(ee));
      b.facts.models.add('text-embedding-3-small');
      end = Math.max(end, ee + rng.int(1000, 20000));
    }
    span.end(hr(end));
    return end + rng.int(100, 2000);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding and batching.

export function encodeSpans(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('ProtobufTraceSerializer returned nothing');
  // The serializer returns a view on a larger, estimated buffer; callers transfer `body.buffer`.
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : body.slice();
}

export interface EncodedBatch {
  body: Uint8Array;
  spanCount: number;
  /** The trace that the batch's last span belongs to. */
  lastTraceId: string;
}

/**
 * Turns a stream of traces into OTLP requests of exactly `batchSize` spans (the last may be smaller),
 * in span end order, so a trace may straddle two requests, as with a BatchSpanProcessor.
 */
export class Batcher {
  private pending: ReadableSpan[] = [];

  constructor(private readonly batchSize = 512) {}

  get pendingSpans(): number {
    return this.pending.length;
  }

  /** Adds a trace's spans; returns the batches that became full. */
  add(spans: ReadableSpan[]): EncodedBatch[] {
    const out: EncodedBatch[] = [];
    for (const s of spans) {
      this.pending.push(s);
      if (this.pending.length === this.batchSize) out.push(this.flushOne());
    }
    return out;
  }

  /** The remaining spans as one last (short) batch, if any. */
  flush(): EncodedBatch | null {
    return this.pending.length ? this.flushOne() : null;
  }

  private flushOne(): EncodedBatch {
    const spans = this.pending;
    this.pending = [];
    return { body: encodeSpans(spans), spanCount: spans.length, lastTraceId: spans[spans.length - 1]!.spanContext().traceId };
  }
}

/** Counts of traces that match each of the benchmark's filters, accumulated while generating. */
export class Census {
  traces = 0;
  spans = 0;
  readonly byService = new Map<string, number>();
  readonly byRootName = new Map<string, number>();
  readonly bySpanName = new Map<string, number>();
  readonly byModel = new Map<string, number>();
  readonly byUser = new Map<string, number>();
  errors = 0;
  common = 0;
  rare = 0;
  /** Trace durations (ms), for picking a minDuration threshold afterwards. */
  readonly durations: number[] = [];
  /** Trace starts (unix µs), for counting the traces in a time window. */
  readonly starts: number[] = [];
  firstStartUs = Infinity;
  lastStartUs = -Infinity;

  add(f: TraceFacts): void {
    this.traces++;
    this.spans += f.spanCount;
    bump(this.byService, f.service);
    bump(this.byRootName, f.rootName);
    for (const n of f.spanNames) bump(this.bySpanName, n);
    for (const m of f.models) bump(this.byModel, m);
    bump(this.byUser, f.userId);
    if (f.errorCount > 0) this.errors++;
    if (f.words.common) this.common++;
    if (f.words.rare) this.rare++;
    this.durations.push(f.durationMs);
    this.starts.push(f.startUs);
    if (f.startUs < this.firstStartUs) this.firstStartUs = f.startUs;
    if (f.startUs > this.lastStartUs) this.lastStartUs = f.startUs;
  }

  startsBetween(fromUs: number, toUs: number): number {
    let n = 0;
    for (const s of this.starts) if (s >= fromUs && s <= toUs) n++;
    return n;
  }

  /** Duration (ms) exceeded by `fraction` of traces. */
  durationQuantileFromTop(fraction: number): number {
    const sorted = [...this.durations].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * (1 - fraction)))] ?? 0;
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
