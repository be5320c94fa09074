/**
 * Turns the raw argument list of an IPC call into the contract's typed parameters, or throws
 * ArgumentError. One parser per contract verb, checked against the contract so a new verb without a
 * parser does not compile. Extra arguments are refused, not ignored: a caller sending more than the
 * contract allows is not the preload we built. Pure: no electron import.
 */
import type { ApiHandlers, ApiMethod } from '../../src-shared/contract';
import type { PriceList } from '../../src-shared/prices';
import type { SettingsPatch } from '../../src-shared/settings';
import type { ForwardingUpdate } from '../../src-shared/forwarding';
import {
  ArgumentError,
  parseAgentGraphOptions,
  parseLogListQuery,
  parseMetricPointQuery,
  parseSessionId,
  parseSessionListQuery,
  parseSpanId,
  parseTraceId,
  parseTraceListQuery,
  parseSearchQuery,
  parseCollectionName,
  parseMemoryItemInput,
  parseRecallQuery,
  parseMemoryPage,
  parseMemoryItemId,
  parseClearAllConfirmation,
  parseAnnotationInput,
  parseAnnotationId,
  parseReceiverKind,
  parseReceiverRetry,
  parseAnalyticsLatencyQuery,
  parseAnalyticsTimeseriesQuery,
} from '../../src-shared/validate';
import { parseFunnelQuery } from '../../src-shared/funnel';

export type ArgParsers = { [K in ApiMethod]: (args: readonly unknown[]) => Parameters<ApiHandlers[K]> };

function arity(method: ApiMethod, args: readonly unknown[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new ArgumentError(`${method} takes ${expected} argument(s), got ${args.length}`);
  }
}

export const ARG_PARSERS = {
  // The query is optional on the wire: parseTraceListQuery maps undefined to the default page.
  listTraces(args) {
    arity('listTraces', args, 0, 1);
    return [parseTraceListQuery(args[0])];
  },
  getTrace(args) {
    arity('getTrace', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  getTraceOutline(args) {
    arity('getTraceOutline', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  getTraceAudit(args) {
    arity('getTraceAudit', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  getSpan(args) {
    arity('getSpan', args, 2, 2);
    return [parseTraceId(args[0]), parseSpanId(args[1])];
  },
  listSessions(args) {
    arity('listSessions', args, 0, 1);
    return [parseSessionListQuery(args[0])];
  },
  getAgentGraph(args) {
    arity('getAgentGraph', args, 1, 2);
    return [parseTraceId(args[0]), parseAgentGraphOptions(args[1])];
  },
  getSession(args) {
    arity('getSession', args, 1, 1);
    return [parseSessionId(args[0])];
  },
  getStats(args) {
    arity('getStats', args, 0, 0);
    return [];
  },
  getInfo(args) {
    arity('getInfo', args, 0, 0);
    return [];
  },
  listLogs(args) {
    arity('listLogs', args, 0, 1);
    return [parseLogListQuery(args[0])];
  },
  // The name is required, so the query is too.
  listMetricPoints(args) {
    arity('listMetricPoints', args, 1, 1);
    return [parseMetricPointQuery(args[0])];
  },
  listMetricNames(args) {
    arity('listMetricNames', args, 0, 0);
    return [];
  },
  exportTraceOtlp(args) {
    arity('exportTraceOtlp', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  search(args) {
    arity('search', args, 1, 1);
    return [parseSearchQuery(args[0])];
  },
  listMemoryCollections(args) {
    arity('listMemoryCollections', args, 0, 0);
    return [];
  },
  remember(args) {
    arity('remember', args, 2, 2);
    return [parseCollectionName(args[0]), parseMemoryItemInput(args[1])];
  },
  recall(args) {
    arity('recall', args, 2, 2);
    return [parseCollectionName(args[0]), parseRecallQuery(args[1])];
  },
  listMemoryItems(args) {
    arity('listMemoryItems', args, 1, 2);
    return [parseCollectionName(args[0]), parseMemoryPage(args[1])];
  },
  forget(args) {
    arity('forget', args, 2, 2);
    return [parseCollectionName(args[0]), parseMemoryItemId(args[1])];
  },
  getMemoryStatus(args) {
    arity('getMemoryStatus', args, 0, 0);
    return [];
  },
  deleteTrace(args) {
    arity('deleteTrace', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  deleteSession(args) {
    arity('deleteSession', args, 1, 1);
    return [parseSessionId(args[0])];
  },
  clearAllData(args) {
    arity('clearAllData', args, 1, 1);
    return [parseClearAllConfirmation(args[0])];
  },
  compareTraces(args) {
    arity('compareTraces', args, 2, 2);
    return [parseTraceId(args[0]), parseTraceId(args[1])];
  },
  annotate(args) {
    arity('annotate', args, 1, 1);
    return [parseAnnotationInput(args[0])];
  },
  listAnnotations(args) {
    arity('listAnnotations', args, 1, 1);
    return [parseTraceId(args[0])];
  },
  deleteAnnotation(args) {
    arity('deleteAnnotation', args, 1, 1);
    return [parseAnnotationId(args[0])];
  },
  runFunnel(args) {
    arity('runFunnel', args, 1, 1);
    return [parseFunnelQuery(args[0])];
  },
  getAnalyticsLatency(args) {
    arity('getAnalyticsLatency', args, 1, 1);
    return [parseAnalyticsLatencyQuery(args[0])];
  },
  getAnalyticsTimeseries(args) {
    arity('getAnalyticsTimeseries', args, 1, 1);
    return [parseAnalyticsTimeseriesQuery(args[0])];
  },
  retryReceiver(args) {
    arity('retryReceiver', args, 1, 2);
    return [parseReceiverKind(args[0]), parseReceiverRetry(args[1])];
  },
  getSettings(args) {
    arity('getSettings', args, 0, 0);
    return [];
  },
  // The engine checks the edit field by field (SettingsError); here only its arity.
  updateSettings(args) {
    arity('updateSettings', args, 1, 1);
    return [args[0] as SettingsPatch];
  },
  getPrices(args) {
    arity('getPrices', args, 0, 0);
    return [];
  },
  // The engine checks the list model by model (SettingsError); here only its arity.
  updatePrices(args) {
    arity('updatePrices', args, 1, 1);
    return [args[0] as PriceList];
  },
  resetPrices(args) {
    arity('resetPrices', args, 0, 0);
    return [];
  },
  getRedaction(args) {
    arity('getRedaction', args, 0, 0);
    return [];
  },
  // The engine checks the text line by line (SettingsError); here only its arity.
  updateRedaction(args) {
    arity('updateRedaction', args, 1, 1);
    return [args[0] as string];
  },
  getForwarding(args) {
    arity('getForwarding', args, 0, 0);
    return [];
  },
  // The engine checks the token and each endpoint (ForwardingTokenError, ForwardingError); here only its arity.
  updateForwarding(args) {
    arity('updateForwarding', args, 1, 1);
    return [args[0] as ForwardingUpdate];
  },
} satisfies ArgParsers;
