/**
 * `flowtrace search` and `flowtrace memory …`: clients of a running Flowtrace's REST API (the
 * desktop app or `serve`), since the memory lives in that engine's process. Plain text for people,
 * `--json` for scripts (the API's own answer, unchanged).
 */
import { parseArgs } from 'node:util';
import type { MemoryCollectionInfo, RecalledItem, SearchAnswer } from '../../src-shared/contract';

export const MEMORY_USAGE = `  flowtrace search QUERY [--mode hybrid|semantic|text] [--limit N] [--service S] [--model M]
                   [--agent A] [--session ID] [--json] [--api URL]
                                   search what agents said and did, by meaning and by words
  flowtrace memory remember COLLECTION TEXT [--metadata JSON] [--json] [--api URL]
  flowtrace memory recall COLLECTION QUERY [--k N] [--filter JSON] [--json] [--api URL]
  flowtrace memory forget COLLECTION ID [--api URL]
  flowtrace memory list [COLLECTION] [--limit N] [--json] [--api URL]
                                   a memory agents write and recall (collections of texts)
  (these talk to a running Flowtrace at --api, default $FLOWTRACE_API or http://127.0.0.1:9600)
`;

export class CliUsageError extends Error {}

const API_OPTION = { api: { type: 'string' }, json: { type: 'boolean' } } as const;

function apiBase(value: string | undefined): string {
  const base = value ?? process.env.FLOWTRACE_API ?? 'http://127.0.0.1:9600';
  if (!/^https?:\/\/[^/\s]+\/?$/.test(base)) throw new CliUsageError(`--api must be scheme://host:port, not "${base}"`);
  return base.replace(/\/$/, '');
}

async function callApi(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    const why = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new Error(`no Flowtrace answers at ${base} (${why}); start it with \`flowtrace serve\` or the desktop app, or point --api at it`, { cause: err });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new Error((json as { error?: string }).error ?? `HTTP ${res.status}`);
  return json;
}

function jsonOption(value: string | undefined, flag: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new CliUsageError(`${flag} must be JSON: ${(err as Error).message}`);
  }
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};
const oneLine = (s: string, max = 160) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export async function searchCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...API_OPTION,
      mode: { type: 'string' },
      limit: { type: 'string' },
      service: { type: 'string' },
      model: { type: 'string' },
      agent: { type: 'string' },
      session: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const q = positionals.join(' ').trim();
  if (q === '') throw new CliUsageError('search needs a QUERY');
  const params = new URLSearchParams({ q });
  for (const key of ['mode', 'limit', 'service', 'model', 'agent', 'session'] as const) {
    const v = values[key];
    if (v !== undefined) params.set(key, v);
  }
  const answer = (await callApi(apiBase(values.api), 'GET', `/api/v1/search?${params}`)) as SearchAnswer;
  if (values.json) return out(JSON.stringify(answer));
  const e = answer.embedder;
  out(`${answer.results.length} result(s), ${answer.mode} search (${e.model}, ${e.dim}-d, ${e.provider})`);
  for (const r of answer.results) {
    out(`${r.score.toFixed(3)}  ${r.traceId}/${r.spanId}  ${r.spanName}${r.agent ? ` · ${r.agent}` : ''}${r.service ? ` · ${r.service}` : ''}`);
    out(`       ${r.source}: ${oneLine(r.snippet)}`);
  }
}

export async function memoryCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...API_OPTION, metadata: { type: 'string' }, k: { type: 'string' }, filter: { type: 'string' }, limit: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const base = apiBase(values.api);
  const path = (c: string) => `/api/v1/memory/${encodeURIComponent(c)}`;
  switch (sub) {
    case 'remember': {
      const [collection, ...words] = positionals;
      const text = words.join(' ');
      if (!collection || text.trim() === '') throw new CliUsageError('memory remember needs COLLECTION and TEXT');
      const metadata = jsonOption(values.metadata, '--metadata');
      const answer = (await callApi(base, 'POST', path(collection), metadata === undefined ? { text } : { text, metadata })) as { id: string };
      return out(values.json ? JSON.stringify(answer) : `remembered as ${collection}/${answer.id}`);
    }
    case 'recall': {
      const [collection, ...words] = positionals;
      const query = words.join(' ');
      if (!collection || query.trim() === '') throw new CliUsageError('memory recall needs COLLECTION and QUERY');
      const filter = jsonOption(values.filter, '--filter');
      const body = { query, ...(values.k !== undefined ? { k: Number(values.k) } : {}), ...(filter !== undefined ? { filter } : {}) };
      const answer = (await callApi(base, 'POST', `${path(collection)}/recall`, body)) as { items: RecalledItem[] };
      if (values.json) return out(JSON.stringify(answer));
      if (answer.items.length === 0) return out(`nothing in ${collection} yet`);
      for (const item of answer.items) out(`${item.score.toFixed(3)}  #${item.id}  ${oneLine(item.text)}`);
      return;
    }
    case 'forget': {
      const [collection, id] = positionals;
      if (!collection || !id || positionals.length !== 2) throw new CliUsageError('memory forget needs COLLECTION and ID');
      await callApi(base, 'DELETE', `${path(collection)}/${encodeURIComponent(id)}`);
      return out(`forgot ${collection}/${id}`);
    }
    case 'list': {
      const [collection] = positionals;
      if (collection === undefined) {
        const answer = (await callApi(base, 'GET', '/api/v1/memory')) as { collections: MemoryCollectionInfo[] };
        if (values.json) return out(JSON.stringify(answer));
        if (answer.collections.length === 0) return out('no collections yet: flowtrace memory remember COLLECTION TEXT');
        for (const c of answer.collections) out(`${c.name}  ${c.count} item(s)`);
        return;
      }
      const params = values.limit !== undefined ? `?limit=${encodeURIComponent(values.limit)}` : '';
      const answer = (await callApi(base, 'GET', `${path(collection)}${params}`)) as { items: Array<{ id: string; text: string }> };
      if (values.json) return out(JSON.stringify(answer));
      for (const item of answer.items) out(`#${item.id}  ${oneLine(item.text)}`);
      return;
    }
    default:
      throw new CliUsageError(sub === undefined ? 'memory needs a subcommand: remember, recall, forget or list' : `unknown memory subcommand "${sub}"`);
  }
}
