/**
 * Single huge agent traces for the trace-view benchmark, recorded with the real OpenTelemetry SDK
 * (seeded ids, explicit times) and handed out in chunks of finished spans as they end, so a
 * 1M-span trace never sits in memory whole: only the open ancestors and one chunk do. Every child
 * starts and ends inside its parent. Same seed and size, same trace.
 *
 * Shape (GenAI semantic conventions): `invoke_agent orchestrator` → per task a `transfer_to_<lead>`
 * handoff and an `invoke_agent <lead>` that fans worker runs over parallel lanes, each worker run an
 * `invoke_agent <worker>` with turns of `chat <model>` (some rate-limited, then retried) and
 * `execute_tool <tool>` calls (some polled many times identically, some failing and retried), tools
 * with HTTP client → gateway server → database children, and now and then a nested sub-agent.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { CollectingProcessor, hr, Rng } from '../gen/agent-spans';

interface Model {
  name: string;
  provider: string;
  /** Median latency, µs. */
  latencyUs: number;
}

const MODELS: readonly Model[] = [
  { name: 'gpt-4o', provider: 'openai', latencyUs: 1_800_000 },
  { name: 'gpt-4o-mini', provider: 'openai', latencyUs: 700_000 },
  { name: 'claude-sonnet-4', provider: 'anthropic', latencyUs: 2_200_000 },
  { name: 'claude-3-5-haiku', provider: 'anthropic', latencyUs: 800_000 },
  { name: 'gemini-2.0-flash', provider: 'gcp.gemini', latencyUs: 900_000 },
];

interface Worker {
  name: string;
  models: readonly Model[];
  tools: readonly string[];
}

const m = (name: string): Model => MODELS.find((x) => x.name === name)!;

const WORKERS: readonly Worker[] = [
  { name: 'researcher', models: [m('gpt-4o'), m('gpt-4o-mini')], tools: ['web_search', 'fetch_url', 'extract_tables'] },
  { name: 'coder', models: [m('claude-sonnet-4')], tools: ['read_file', 'apply_patch', 'run_tests', 'grep_repo'] },
  { name: 'reviewer', models: [m('claude-sonnet-4'), m('claude-3-5-haiku')], tools: ['read_file', 'post_comment'] },
  { name: 'analyst', models: [m('gemini-2.0-flash'), m('gpt-4o')], tools: ['run_sql', 'plot_chart', 'fetch_url'] },
  { name: 'booker', models: [m('gpt-4o-mini')], tools: ['search_flights', 'hold_seat', 'charge_card', 'send_email'] },
  { name: 'support', models: [m('claude-3-5-haiku')], tools: ['lookup_order', 'issue_credit', 'create_ticket'] },
];
const LEADS = ['research-lead', 'engineering-lead', 'operations-lead', 'booking-lead'];
/** Nested helpers a worker hands off to. */
const HELPERS: readonly Worker[] = [
  { name: 'summarizer', models: [m('gpt-4o-mini')], tools: ['chunk_text'] },
  { name: 'fact-checker', models: [m('claude-3-5-haiku')], tools: ['web_search', 'fetch_url'] },
];
/** The tool an agent polls in a loop, identically, until a job is done. */
const POLL_TOOL = 'poll_job_status';
const TABLES = ['orders', 'customers', 'documents', 'jobs', 'embeddings', 'invoices'];

const SERVICE = 'agent-runtime';
const GATEWAY = 'tools-gateway';
const SCOPE = { name: 'flowtrace-bench-big-trace', version: '1.0.0' };

/** What a generated trace turned out to be. */
export interface TraceFacts {
  traceId: string;
  spans: number;
  /** Spans with gen_ai.operation.name: the agent graph's nodes before folding. */
  genaiSpans: number;
  errorSpans: number;
  /** Deepest span (root = 0). */
  maxDepth: number;
  durationMs: number;
}

export interface BigTraceOptions {
  seed: number;
  /** Root start, unix ms. */
  startMs: number;
  /** Spans handed out per chunk (the last may be smaller). */
  chunkSpans: number;
}

/** Where a new span may go: the budgets left. */
interface Budget {
  spans: number;
  genai: number;
}

export class BigTraceRecorder {
  private readonly rng: Rng;
  private readonly collector = new CollectingProcessor();
  private readonly agents: Tracer;
  private readonly gateway: Tracer;
  private budget: Budget = { spans: 0, genai: 0 };
  readonly facts: TraceFacts = { traceId: '', spans: 0, genaiSpans: 0, errorSpans: 0, maxDepth: 0, durationMs: 0 };
  /** Graph mode: sibling runs never repeat a (kind, label) three times. */
  private distinct = false;

  constructor(private readonly options: BigTraceOptions) {
    const rng = (this.rng = new Rng(options.seed));
    const idGenerator: IdGenerator = { generateTraceId: () => rng.hex(16), generateSpanId: () => rng.hex(8) };
    const provider = (service: string, version: string): Tracer =>
      new TracerProvider({
        resource: resourceFromAttributes({
          'service.name': service,
          'service.version': version,
          'deployment.environment.name': 'production',
          'telemetry.sdk.name': 'opentelemetry',
          'telemetry.sdk.language': 'nodejs',
        }),
        idGenerator,
        spanProcessors: [this.collector],
        // The SDK's default of 128 events/attributes is plenty; spans here carry ~10.
      }).getTracer(SCOPE.name, SCOPE.version);
    this.agents = provider(SERVICE, '3.2.0');
    this.gateway = provider(GATEWAY, '1.14.2');
  }

  /**
   * A trace of exactly `spanCount` spans. Tasks run one after another; inside a task the lead fans
   * worker runs over lanes (more lanes for bigger traces, so a 1M-span run lasts hours, not weeks).
   */
  *bigTrace(spanCount: number): Generator<ReadableSpan[], TraceFacts> {
    this.budget = { spans: spanCount, genai: Infinity };
    const tasks = Math.max(3, Math.min(40, Math.round(spanCount / 25_000)));
    const runsPerTask = Math.max(8, Math.ceil(spanCount / 24 / tasks));
    const lanes = Math.max(2, Math.min(64, Math.round(runsPerTask / 25)));
    return yield* this.orchestrate(runsPerTask, lanes, (t, parent) => {
      const worker = this.rng.pick(WORKERS);
      return this.workerRun(parent, 2, t, worker, worker.name, 0);
    });
  }

  /**
   * A trace whose agent graph has exactly `graphNodes` nodes (GenAI spans) that do not fold: every
   * worker run is a distinct agent instance whose children repeat no (kind, label, shape) three
   * times, so the graph pane draws all of them. Tools still have HTTP and database children.
   */
  *graphTrace(graphNodes: number): Generator<ReadableSpan[], TraceFacts> {
    this.budget = { spans: Infinity, genai: graphNodes };
    this.distinct = true;
    let instance = 0;
    // 28 workers of 6 nodes under each lead: ~170 nodes a lead, so no layer of the graph is too wide to read.
    return yield* this.orchestrate(28, 4, (t, parent) => {
      const worker = WORKERS[instance % WORKERS.length]!;
      instance++;
      return this.workerRun(parent, 2, t, worker, `${worker.name}-${String(instance).padStart(4, '0')}`, 0);
    });
  }

  /** Root → (handoff, lead → worker runs over `laneCount` lanes) per task, until the budget is spent. */
  private *orchestrate(runsPerTask: number, laneCount: number, run: (t: number, parent: Context) => number): Generator<ReadableSpan[], TraceFacts> {
    const t0 = this.options.startMs * 1000;
    const root = this.start(ROOT_CONTEXT, 0, this.agents, 'invoke_agent orchestrator', SpanKind.INTERNAL, t0, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'orchestrator',
      'gen_ai.agent.id': 'asst_orchestrator',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.conversation.id': `conv_${this.rng.hex(8)}`,
      'user.id': 'user_4821',
    }, true);
    if (!root) throw new Error('no budget for the root span');
    this.facts.traceId = root.spanContext().traceId;
    const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
    let t = this.chat(rootCtx, 1, t0 + this.rng.int(1000, 5000), m('gpt-4o'), 'tool_calls', 'Plan the work, then hand each task to a lead.');
    for (let task = 0; this.room(); task++) {
      const lead = LEADS[task % LEADS.length]!;
      const leadName = this.distinct ? `${lead}-${String(task + 1).padStart(2, '0')}` : lead;
      t = this.handoffTool(rootCtx, 1, t, leadName);
      const leadSpan = this.start(rootCtx, 1, this.agents, `invoke_agent ${leadName}`, SpanKind.INTERNAL, t, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': leadName,
        'gen_ai.agent.id': `asst_${lead}`,
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
      }, true);
      if (!leadSpan) break;
      const leadCtx = trace.setSpan(rootCtx, leadSpan);
      const begin = this.chat(leadCtx, 2, t + this.rng.int(5_000, 40_000), m('claude-sonnet-4'), 'tool_calls', `Split task ${task + 1} between workers.`);
      const lanes = new Array<number>(laneCount).fill(begin);
      for (let r = 0; r < runsPerTask && this.room(); r++) {
        let lane = 0;
        for (let l = 1; l < lanes.length; l++) if (lanes[l]! < lanes[lane]!) lane = l;
        lanes[lane] = run(lanes[lane]!, leadCtx) + this.rng.int(50_000, 2_000_000);
        if (this.collector.spans.length >= this.options.chunkSpans) yield this.drain();
      }
      let end = Math.max(...lanes);
      if (this.room()) end = this.chat(leadCtx, 2, end, m('claude-sonnet-4'), 'stop', null);
      leadSpan.end(hr(end));
      t = end + this.rng.int(200_000, 3_000_000);
      if (this.collector.spans.length >= this.options.chunkSpans) yield this.drain();
    }
    if (this.room()) t = this.chat(rootCtx, 1, t, m('gpt-4o'), 'stop', null);
    root.end(hr(t + 500_000));
    this.facts.durationMs = (t + 500_000 - t0) / 1000;
    const rest = this.drain();
    if (rest.length > 0) yield rest;
    return this.facts;
  }

  private drain(): ReadableSpan[] {
    const out = this.collector.spans;
    this.collector.spans = [];
    return out;
  }

  /** Whether one more span fits the budgets (a graph trace ends with its last GenAI span). */
  private room(): boolean {
    return this.budget.spans > 0 && this.budget.genai > 0;
  }

  private start(parent: Context, depth: number, tracer: Tracer, name: string, kind: SpanKind, startUs: number, attributes: Attributes, genai: boolean): Span | null {
    if (!this.room()) return null;
    this.budget.spans--;
    this.facts.spans++;
    if (genai) {
      this.budget.genai--;
      this.facts.genaiSpans++;
    }
    if (depth > this.facts.maxDepth) this.facts.maxDepth = depth;
    return tracer.startSpan(name, { kind, startTime: hr(startUs), attributes }, parent);
  }

  private fail(span: Span, type: string, message: string, atUs: number): void {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute('error.type', type);
    span.addEvent('exception', { 'exception.type': type, 'exception.message': message }, hr(atUs));
    this.facts.errorSpans++;
  }

  /** A worker (or nested helper) agent run under `parent`; returns its end. */
  private workerRun(parent: Context, depth: number, t: number, worker: Worker, name: string, nested: number): number {
    const rng = this.rng;
    const span = this.start(parent, depth, this.agents, `invoke_agent ${name}`, SpanKind.INTERNAL, t, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': name,
      'gen_ai.agent.id': `asst_${worker.name}`,
      'gen_ai.provider.name': worker.models[0]!.provider,
      'gen_ai.request.model': worker.models[0]!.name,
    }, true);
    if (!span) return t;
    const ctx = trace.setSpan(parent, span);
    t += rng.int(2_000, 30_000);
    if (this.distinct) {
      // llm → tool → llm → tool → llm with three models and two tools: with at most one retry each,
      // no label appears three times among the run's children, so nothing folds.
      const models = [worker.models[0]!, ...MODELS.filter((x) => x !== worker.models[0])];
      const tools = [worker.tools[0]!, worker.tools[1]!];
      for (let turn = 0; turn < 3 && this.room(); turn++) {
        t = this.chat(ctx, depth + 1, t, models[turn]!, turn === 2 ? 'stop' : 'tool_calls', turn === 0 ? `Task for ${name}.` : null);
        if (turn < 2) t = this.toolCall(ctx, depth + 1, t, tools[turn]!, name, false);
      }
    } else {
      const turns = rng.weighted([[2, 2], [3, 4], [4, 3], [6, 1]] as const);
      for (let turn = 0; turn < turns && this.room(); turn++) {
        const last = turn === turns - 1;
        t = this.chat(ctx, depth + 1, t, rng.pick(worker.models), last ? 'stop' : 'tool_calls', turn === 0 ? `Task for ${name}.` : null);
        if (last) break;
        if (rng.chance(0.12)) {
          // A job poll loop: the same call, same arguments, until it reports done.
          const polls = rng.int(3, 12);
          for (let p = 0; p < polls && this.room(); p++) t = this.toolCall(ctx, depth + 1, t, POLL_TOOL, name, true);
        } else {
          const calls = rng.weighted([[1, 4], [2, 4], [3, 2]] as const);
          for (let c = 0; c < calls && this.room(); c++) t = this.toolCall(ctx, depth + 1, t, rng.pick(worker.tools), name, false);
        }
        if (nested < 2 && rng.chance(0.05)) {
          const helper = rng.pick(HELPERS);
          t = this.handoffTool(ctx, depth + 1, t, helper.name);
          t = this.workerRun(ctx, depth + 1, t, helper, helper.name, nested + 1) + rng.int(10_000, 200_000);
        }
      }
    }
    t += rng.int(5_000, 50_000);
    span.end(hr(t));
    return t;
  }

  /** `transfer_to_<agent>`: the OpenAI Agents SDK's handoff tool (the graph's handoff edge). */
  private handoffTool(parent: Context, depth: number, t: number, target: string): number {
    const span = this.start(parent, depth, this.agents, `execute_tool transfer_to_${target}`, SpanKind.INTERNAL, t, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': `transfer_to_${target}`,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': `call_${this.rng.hex(8)}`,
    }, true);
    if (!span) return t;
    const end = t + this.rng.int(300, 3_000);
    span.end(hr(end));
    return end + this.rng.int(500, 5_000);
  }

  /** One LLM call; 3% are rate-limited (429) and retried after a back-off. Returns when the agent moves on. */
  private chat(parent: Context, depth: number, t: number, model: Model, finish: 'stop' | 'tool_calls', prompt: string | null): number {
    const rng = this.rng;
    const attempts = this.distinct ? 2 : 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const limited = attempt < attempts - 1 && rng.chance(0.03);
      const input = rng.int(400, 12_000);
      const attributes: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': model.provider,
        'gen_ai.request.model': model.name,
        'gen_ai.request.max_tokens': 4096,
        'gen_ai.request.temperature': 0.2,
        'server.address': model.provider === 'openai' ? 'api.openai.com' : model.provider === 'anthropic' ? 'api.anthropic.com' : 'generativelanguage.googleapis.com',
      };
      if (!limited) {
        attributes['gen_ai.response.model'] = model.name;
        attributes['gen_ai.response.id'] = `resp_${rng.hex(8)}`;
        attributes['gen_ai.usage.input_tokens'] = input;
        attributes['gen_ai.usage.output_tokens'] = finish === 'stop' ? rng.int(100, 1500) : rng.int(20, 300);
        attributes['gen_ai.response.finish_reasons'] = [finish];
      }
      if (prompt !== null && attempt === 0) {
        attributes['gen_ai.input.messages'] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]);
      }
      const span = this.start(parent, depth, this.agents, `chat ${model.name}`, SpanKind.CLIENT, t, attributes, true);
      if (!span) return t;
      if (limited) {
        const end = t + rng.int(80_000, 400_000);
        span.setAttribute('http.response.status_code', 429);
        this.fail(span, 'RateLimitError', `429 rate limit reached for ${model.name}`, end);
        span.end(hr(end));
        t = end + rng.int(1_000_000, 4_000_000);
        continue;
      }
      const end = t + Math.round(rng.logNormal(model.latencyUs, 0.5));
      span.end(hr(end));
      return end + rng.int(2_000, 40_000);
    }
    return t;
  }

  /**
   * One tool call; `repeat` calls are identical (a poll). 5% of other calls fail (upstream error)
   * and are retried once with the same arguments. Most have an HTTP call to the tools gateway, whose
   * server span queries the database; some query the database directly.
   */
  private toolCall(parent: Context, depth: number, t: number, tool: string, agent: string, repeat: boolean): number {
    const rng = this.rng;
    const args = repeat ? '{"job_id":"job_7731"}' : JSON.stringify({ query: rng.pick(TABLES), limit: rng.int(1, 50) });
    for (let attempt = 0; attempt < 2; attempt++) {
      const fails = !repeat && attempt === 0 && rng.chance(0.05);
      const span = this.start(parent, depth, this.agents, `execute_tool ${tool}`, SpanKind.INTERNAL, t, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool,
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': `call_${rng.hex(8)}`,
        'gen_ai.tool.call.arguments': args,
        'gen_ai.agent.name': agent,
      }, true);
      if (!span) return t;
      const ctx = trace.setSpan(parent, span);
      let end = t + rng.int(1_000, 20_000);
      const path = repeat ? 'http' : rng.weighted([['http', 5], ['db', 2], ['none', 3]] as const);
      if (path === 'http') end = this.httpCall(ctx, depth + 1, end, tool, fails);
      else if (path === 'db') end = this.dbCall(ctx, depth + 1, this.agents, end, 'postgresql', rng.pick(TABLES));
      else end += Math.round(rng.logNormal(30_000, 0.8));
      end += rng.int(500, 5_000);
      if (fails) this.fail(span, 'ToolError', `${tool} failed: upstream answered 503`, end);
      span.end(hr(end));
      t = end + rng.int(5_000, 60_000);
      if (!fails) break;
    }
    return t;
  }

  /** HTTP client span → gateway server span → 1–3 database calls (a cache lookup first, sometimes). */
  private httpCall(parent: Context, depth: number, t: number, tool: string, fails: boolean): number {
    const rng = this.rng;
    const route = `/v1/tools/${tool}`;
    const status = fails ? 503 : 200;
    const client = this.start(parent, depth, this.agents, 'POST', SpanKind.CLIENT, t, {
      'http.request.method': 'POST',
      'url.full': `http://tools-gateway.internal:8080${route}`,
      'server.address': 'tools-gateway.internal',
      'server.port': 8080,
      'http.response.status_code': status,
    }, false);
    if (!client) return t;
    const clientCtx = trace.setSpan(parent, client);
    let end = t + rng.int(300, 2_000);
    const server = this.start(clientCtx, depth + 1, this.gateway, `POST ${route}`, SpanKind.SERVER, end, {
      'http.request.method': 'POST',
      'http.route': route,
      'url.path': route,
      'http.response.status_code': status,
      'server.address': 'tools-gateway.internal',
    }, false);
    if (server) {
      const serverCtx = trace.setSpan(clientCtx, server);
      end += rng.int(100, 1_000);
      if (rng.chance(0.3)) end = this.dbCall(serverCtx, depth + 2, this.gateway, end, 'redis', 'cache');
      const queries = rng.int(1, 3);
      for (let q = 0; q < queries; q++) end = this.dbCall(serverCtx, depth + 2, this.gateway, end, 'postgresql', rng.pick(TABLES));
      end += rng.int(200, 3_000);
      if (fails) this.fail(server, '503', 'Service Unavailable', end);
      server.end(hr(end));
    }
    end += rng.int(300, 2_000);
    if (fails) this.fail(client, '503', 'Service Unavailable', end);
    client.end(hr(end));
    return end;
  }

  private dbCall(parent: Context, depth: number, tracer: Tracer, t: number, system: 'postgresql' | 'redis', table: string): number {
    const rng = this.rng;
    const name = system === 'redis' ? 'GET' : `SELECT ${table}`;
    const span = this.start(parent, depth, tracer, name, SpanKind.CLIENT, t, system === 'redis'
      ? { 'db.system.name': 'redis', 'db.operation.name': 'GET', 'server.address': 'cache.internal' }
      : {
          'db.system.name': 'postgresql',
          'db.operation.name': 'SELECT',
          'db.collection.name': table,
          'db.namespace': 'app',
          'db.query.text': `SELECT * FROM ${table} WHERE id = $1`,
          'server.address': 'db.internal',
        }, false);
    if (!span) return t;
    const end = t + Math.round(rng.logNormal(system === 'redis' ? 400 : 3_000, 0.7));
    span.end(hr(end));
    return end + rng.int(50, 500);
  }
}
