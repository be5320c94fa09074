/**
 * `flowtrace search` and `flowtrace memory …`: clients of a running Flowtrace's REST API (the
 * desktop app or `serve`), since the memory lives in that engine's process. Plain text for people,
 * `--json` for scripts (the API's own answer, unchanged).
 */
import type { MemoryCollectionInfo, RecalledItem, SearchAnswer } from '../../src-shared/contract';
import { ApiClient, apiBase, URL_OPTIONS, URL_USAGE } from './api-client';
import { out, parse, UsageError, type Command } from './command';

function jsonOption(value: string | undefined, flag: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new UsageError(`${flag} must be JSON: ${(err as Error).message}`);
  }
}

const oneLine = (s: string, max = 160) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export const searchCommand: Command = {
  name: 'search',
  synopsis: 'search QUERY',
  summary: 'search agent runs by meaning and by words',
  usage: `Usage: flowtrace search QUERY [options]

Searches the running Flowtrace's memory of agent runs (conversation turns, tool calls, errors) by
meaning and by words at once, fused by rank. Prints score, trace/span, span name, agent, service
and the matching text.

Options:
  --mode MODE    hybrid (default), semantic or text
  --limit N      at most N results (1-100, default 20)
  --service S    only runs of this service      --model M   only this model
  --agent A      only this agent                --session ID  only this session
${URL_USAGE}
Example:
  flowtrace search "reservation backend never answered" --limit 5
`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      ...URL_OPTIONS,
      mode: { type: 'string' },
      limit: { type: 'string' },
      service: { type: 'string' },
      model: { type: 'string' },
      agent: { type: 'string' },
      session: { type: 'string' },
    });
    const q = positionals.join(' ').trim();
    if (q === '') throw new UsageError('needs a QUERY');
    const params = new URLSearchParams({ q });
    for (const key of ['mode', 'limit', 'service', 'model', 'agent', 'session'] as const) {
      const v = values[key];
      if (v !== undefined) params.set(key, v);
    }
    const answer = await new ApiClient(apiBase(values)).get<SearchAnswer>(`/api/v1/search?${params}`);
    if (values.json) {
      out(JSON.stringify(answer));
      return 0;
    }
    const e = answer.embedder;
    out(`${answer.results.length} result(s), ${answer.mode} search (${e.model}, ${e.dim}-d, ${e.provider})`);
    for (const r of answer.results) {
      out(`${r.score.toFixed(3)}  ${r.traceId}/${r.spanId}  ${r.spanName}${r.agent ? ` · ${r.agent}` : ''}${r.service ? ` · ${r.service}` : ''}`);
      out(`       ${r.source}: ${oneLine(r.snippet)}`);
    }
    return 0;
  },
};

export const memoryCommand: Command = {
  name: 'memory',
  synopsis: 'memory SUBCOMMAND …',
  summary: 'texts agents remember and recall by meaning',
  usage: `Usage:
  flowtrace memory remember COLLECTION TEXT [--metadata JSON]
  flowtrace memory recall COLLECTION QUERY [--k N] [--filter JSON]
  flowtrace memory forget COLLECTION ID
  flowtrace memory list [COLLECTION] [--limit N]

Collections of texts that agents (or you) write and recall by meaning, kept by the running
Flowtrace. A collection name is 1-64 letters, digits, '.', '_' or '-'.

Options:
  --metadata JSON  remember: an object stored with the text, e.g. '{"team":"infra"}'
  --k N            recall: how many items (default 5)
  --filter JSON    recall: metadata keys that must equal these values
  --limit N        list: at most N items
${URL_USAGE}
Examples:
  flowtrace memory remember notes "Staging passwords rotate on Mondays" --metadata '{"team":"ops"}'
  flowtrace memory recall notes "when do test credentials change" --k 3
`,
  async run(argv) {
    const { values, positionals: words } = parse(argv, {
      ...URL_OPTIONS,
      metadata: { type: 'string' },
      k: { type: 'string' },
      filter: { type: 'string' },
      limit: { type: 'string' },
    });
    const [sub, ...positionals] = words;
    const api = () => new ApiClient(apiBase(values));
    const path = (c: string) => `/api/v1/memory/${encodeURIComponent(c)}`;
    switch (sub) {
      case 'remember': {
        const [collection, ...words] = positionals;
        const text = words.join(' ');
        if (!collection || text.trim() === '') throw new UsageError('memory remember needs COLLECTION and TEXT');
        const metadata = jsonOption(values.metadata, '--metadata');
        const answer = await api().json<{ id: string }>('POST', path(collection), metadata === undefined ? { text } : { text, metadata });
        out(values.json ? JSON.stringify(answer) : `remembered as ${collection}/${answer.id}`);
        return 0;
      }
      case 'recall': {
        const [collection, ...words] = positionals;
        const query = words.join(' ');
        if (!collection || query.trim() === '') throw new UsageError('memory recall needs COLLECTION and QUERY');
        const filter = jsonOption(values.filter, '--filter');
        const body = { query, ...(values.k !== undefined ? { k: Number(values.k) } : {}), ...(filter !== undefined ? { filter } : {}) };
        const answer = await api().json<{ items: RecalledItem[] }>('POST', `${path(collection)}/recall`, body);
        if (values.json) out(JSON.stringify(answer));
        else if (answer.items.length === 0) out(`nothing in ${collection} yet`);
        else for (const item of answer.items) out(`${item.score.toFixed(3)}  #${item.id}  ${oneLine(item.text)}`);
        return 0;
      }
      case 'forget': {
        const [collection, id] = positionals;
        if (!collection || !id || positionals.length !== 2) throw new UsageError('memory forget needs COLLECTION and ID');
        await api().json('DELETE', `${path(collection)}/${encodeURIComponent(id)}`);
        out(`forgot ${collection}/${id}`);
        return 0;
      }
      case 'list': {
        const [collection] = positionals;
        if (collection === undefined) {
          const answer = await api().get<{ collections: MemoryCollectionInfo[] }>('/api/v1/memory');
          if (values.json) out(JSON.stringify(answer));
          else if (answer.collections.length === 0) out('no collections yet: flowtrace memory remember COLLECTION TEXT');
          else for (const c of answer.collections) out(`${c.name}  ${c.count} item(s)`);
          return 0;
        }
        const params = values.limit !== undefined ? `?limit=${encodeURIComponent(values.limit)}` : '';
        const answer = await api().get<{ items: Array<{ id: string; text: string }> }>(`${path(collection)}${params}`);
        if (values.json) out(JSON.stringify(answer));
        else for (const item of answer.items) out(`#${item.id}  ${oneLine(item.text)}`);
        return 0;
      }
      default:
        throw new UsageError(sub === undefined ? 'needs a subcommand: remember, recall, forget or list' : `unknown subcommand "${sub}" (remember, recall, forget or list)`);
    }
  },
};
