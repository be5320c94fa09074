/**
 * A multi-agent run recorded with the real OTel JS SDK, in the current OTel GenAI conventions,
 * shaped like what people debug: a planner agent whose model asks for flights (three identical
 * tool calls, which the graph folds) and a hotel search that fails and is retried, then a handoff
 * to a booking agent on another model, then the final answer. Spans carry realistic timings (a
 * 9 s run), messages as `gen_ai.input.messages` / `gen_ai.output.messages`, tokens, and a plain
 * HTTP child under each flight search. Used by the trace-view e2e tests and the README screenshots.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SentTrace } from './otel';

export interface AgentRun extends SentTrace {
  /** Span ids by role, for tests that click a particular span. */
  ids: {
    planner: string;
    firstChat: string;
    flightSearches: string[];
    failedHotelSearch: string;
    hotelRetry: string;
    secondChat: string;
    booking: string;
    bookingChat: string;
    bookHotel: string;
    finalChat: string;
    /** The `transfer_to_booking_agent` tool span, when recorded with `handoffSpan`. */
    handoff: string | null;
  };
}

const SYSTEM = 'You are a travel planner. Use the tools to find flights and hotels, then hand off to the booking agent.';
const ASK = 'Plan a 3-day trip to Lisbon in May for two, flying from Berlin. Keep it under 1,500 EUR.';

const json = (v: unknown): string => JSON.stringify(v);
const text = (role: string, content: string) => ({ role, parts: [{ type: 'text', content }] });

/** `at` and `end` in ms after the run starts. */
/**
 * `handoffSpan`: the handoff is also a tool span, `transfer_to_booking_agent` with no arguments and
 * no result, as the OpenAI Agents SDK records the handoff tool it offers the model.
 */
/**
 * `extraTool`: one more tool call by the planner (`get_weather`, which no model asked for), and
 * `finalAnswer`: another final answer; the compare tests record two runs that differ by these alone.
 */
export function recordAgentRun(options: { serviceName?: string; startMs?: number; handoffSpan?: boolean; extraTool?: boolean; finalAnswer?: string } = {}): AgentRun {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'trip-planner', 'service.version': '1.4.2' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('trip-planner.agents', '1.4.2');
  const t0 = options.startMs ?? Date.now() - 60_000;
  const spans: Array<{ span: Span; end: number }> = [];
  const start = (name: string, at: number, end: number, kind: SpanKind, attributes: Record<string, string | number | string[]>, parent?: Span): Span => {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = tracer.startSpan(name, { kind, attributes, startTime: t0 + at }, ctx);
    spans.push({ span, end: t0 + end });
    return span;
  };
  const chat = (model: string, provider: string, at: number, end: number, usage: [number, number], input: unknown[], output: unknown[], parent: Span): Span =>
    start(`chat ${model}`, at, end, SpanKind.CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': usage[0],
      'gen_ai.usage.output_tokens': usage[1],
      'gen_ai.response.finish_reasons': [output.some((m) => JSON.stringify(m).includes('tool_call')) ? 'tool_calls' : 'stop'],
      'gen_ai.input.messages': json(input),
      'gen_ai.output.messages': json(output),
    }, parent);
  const tool = (name: string, callId: string, at: number, end: number, args: unknown, result: unknown, parent: Span): Span =>
    start(`execute_tool ${name}`, at, end, SpanKind.INTERNAL, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': name,
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.call.arguments': json(args),
      ...(result === undefined ? {} : { 'gen_ai.tool.call.result': json(result) }),
    }, parent);

  const planner = start('invoke_agent travel_planner', 0, 9200, SpanKind.INTERNAL, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'travel_planner',
    'gen_ai.provider.name': 'openai',
    'gen_ai.conversation.id': 'conv_lisbon_0517',
  });
  const flightsAsked = [
    { id: 'call_fl_1', args: { from: 'BER', to: 'LIS', date: '2026-05-14' } },
    { id: 'call_fl_2', args: { from: 'BER', to: 'LIS', date: '2026-05-15' } },
    { id: 'call_fl_3', args: { from: 'BER', to: 'LIS', date: '2026-05-16' } },
  ];
  const firstChat = chat('gpt-4o', 'openai', 80, 1900, [1840, 212],
    [{ role: 'system', parts: [{ type: 'text', content: SYSTEM }] }, text('user', ASK)],
    [{ role: 'assistant', parts: [
      { type: 'text', content: 'Let me look at flights for the three possible departure days, and hotels.' },
      ...flightsAsked.map((f) => ({ type: 'tool_call', id: f.id, name: 'search_flights', arguments: f.args })),
      { type: 'tool_call', id: 'call_ht_1', name: 'search_hotels', arguments: { city: 'Lisbon', nights: 3, guests: 2 } },
    ] }],
    planner);
  const flightResults = [
    { flight: 'TP 555', price_eur: 189 },
    { flight: 'LH 1166', price_eur: 214 },
    { flight: 'TP 553', price_eur: 176 },
  ];
  const flightSearches = flightsAsked.map((f, i) => {
    const at = 2000 + i * 520;
    const span = tool('search_flights', f.id, at, at + 480, f.args, flightResults[i], planner);
    start('GET', at + 40, at + 440, SpanKind.CLIENT, {
      'http.request.method': 'GET',
      'url.full': `https://api.flights.example/v2/search?from=BER&to=LIS&date=${f.args.date}`,
      'http.response.status_code': 200,
    }, span);
    return span;
  });
  const failedHotel = tool('search_hotels', 'call_ht_1', 3600, 4600, { city: 'Lisbon', nights: 3, guests: 2 }, undefined, planner);
  failedHotel.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out after 1000 ms' });
  failedHotel.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'hotel API timed out after 1000 ms' }, t0 + 4600);
  const hotels = [{ hotel: 'Memmo Alfama', per_night_eur: 210 }, { hotel: 'Casa do Principe', per_night_eur: 145 }];
  const hotelRetry = tool('search_hotels', 'call_ht_1', 4650, 5250, { city: 'Lisbon', nights: 3, guests: 2 }, hotels, planner);
  if (options.extraTool) tool('get_weather', 'call_wx_1', 5255, 5295, { city: 'Lisbon', month: 'May' }, { forecast: 'sunny, 24 °C' }, planner);
  const secondChat = chat('gpt-4o', 'openai', 5300, 6350, [2410, 96],
    [
      text('user', ASK),
      { role: 'tool', parts: flightsAsked.map((f, i) => ({ type: 'tool_call_response', id: f.id, response: flightResults[i] })) },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_ht_1', response: hotels }] },
    ],
    [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_handoff', name: 'transfer_to_booking_agent', arguments: { flight: 'TP 553', hotel: 'Casa do Principe' } }] }],
    planner);
  const handoff = options.handoffSpan
    ? start('execute_tool transfer_to_booking_agent', 6360, 6390, SpanKind.INTERNAL, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'transfer_to_booking_agent',
        'gen_ai.tool.call.id': 'call_handoff',
      }, planner)
    : null;
  const booking = start('invoke_agent booking_agent', 6400, 8800, SpanKind.INTERNAL, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'booking_agent',
    'gen_ai.conversation.id': 'conv_lisbon_0517',
  }, planner);
  const bookingChat = chat('claude-3-5-haiku', 'anthropic', 6450, 7300, [980, 120],
    [text('user', 'Book flight TP 553 on 2026-05-16 and Casa do Principe for 3 nights, 2 guests.')],
    [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_01', name: 'book_hotel', arguments: { hotel: 'Casa do Principe', nights: 3, guests: 2 } }] }],
    booking);
  const bookHotel = tool('book_hotel', 'toolu_01', 7350, 8200, { hotel: 'Casa do Principe', nights: 3, guests: 2 }, { confirmation: 'CP-88412', total_eur: 435 }, booking);
  chat('claude-3-5-haiku', 'anthropic', 8250, 8750, [1190, 64],
    [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'toolu_01', response: { confirmation: 'CP-88412', total_eur: 435 } }] }],
    [text('assistant', 'Booked: Casa do Principe, 3 nights, confirmation CP-88412 (435 EUR).')],
    booking);
  const finalChat = chat('gpt-4o', 'openai', 8820, 9150, [2650, 141],
    [text('user', ASK)],
    [text('assistant', options.finalAnswer ?? 'Your trip: TP 553 on 16 May (176 EUR each way) and 3 nights at Casa do Principe (435 EUR). Total about 787 EUR for two.')],
    planner);

  // Children end before parents, as the SDK would export them.
  for (const { span, end } of [...spans].reverse()) span.end(end);
  const finished = memory.getFinishedSpans();
  const id = (s: Span): string => s.spanContext().spanId;
  return {
    traceId: planner.spanContext().traceId,
    spanIds: finished.map((s) => s.spanContext().spanId),
    spans: finished,
    ids: {
      planner: id(planner),
      firstChat: id(firstChat),
      flightSearches: flightSearches.map(id),
      failedHotelSearch: id(failedHotel),
      hotelRetry: id(hotelRetry),
      secondChat: id(secondChat),
      booking: id(booking),
      bookingChat: id(bookingChat),
      bookHotel: id(bookHotel),
      finalChat: id(finalChat),
      handoff: handoff ? id(handoff) : null,
    },
  };
}

/** One more span in a recorded run, under its planner agent, as a late export would bring it. */
export function recordLateSpan(run: AgentRun, name: string, offsetMs: number): { spanId: string; spans: ReturnType<InMemorySpanExporter['getFinishedSpans']> } {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'trip-planner' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const parent = trace.setSpanContext(context.active(), { traceId: run.traceId, spanId: run.ids.planner, traceFlags: 1 });
  const start = Number(run.spans.find((s) => s.spanContext().spanId === run.ids.planner)!.startTime[0]) * 1000 + offsetMs;
  const span = provider.getTracer('trip-planner.agents').startSpan(name, { startTime: start, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_itinerary' } }, parent);
  span.end(start + 120);
  return { spanId: span.spanContext().spanId, spans: memory.getFinishedSpans() };
}
