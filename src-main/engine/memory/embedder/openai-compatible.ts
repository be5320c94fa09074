/**
 * An optional embedder: any server speaking OpenAI's `POST /v1/embeddings` (OpenAI, Ollama,
 * LM Studio, vLLM, llama.cpp's server). The dimension is learned by one probe call at creation and
 * held to afterwards: vectors of another size, a wrong count or a bad answer are errors, never
 * silently stored. Vectors are re-normalized here, since not every server returns unit vectors.
 */
import type { EmbedderInfo } from '../../../../src-shared/contract';
import type { Embedder } from '../embedder-types';
import { normalizeInPlace } from './normalize';

export interface OpenAiCompatibleEmbedderOptions {
  /**
   * The server's base address, with or without a trailing `/v1`: `http://127.0.0.1:11434` (Ollama),
   * `http://127.0.0.1:1234/v1` (LM Studio) and `https://api.openai.com/v1` all work. Requests go to
   * `<base>/v1/embeddings`, never `/v1/v1/...` (see embeddingsUrl).
   */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never written into an error message. */
  apiKey?: string;
  /** Per request, 30 s by default: a first call may wait for the server to load the model. */
  timeoutMs?: number;
  /** For tests; the global fetch by default. */
  fetchImpl?: typeof fetch;
}

/** A request failed or its answer was unusable. `status` is the HTTP status when there was one. */
export class EmbedderRequestError extends Error {
  override name = 'EmbedderRequestError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Inputs per request: OpenAI takes at most 2,048 and caps tokens per request; 128 chunks of ~200 words stay well inside both. */
const MAX_INPUTS_PER_REQUEST = 128;
const BODY_EXCERPT_CHARS = 300;

/** `<base>/v1/embeddings` whether or not `base` already ends in `/v1` (trailing slashes ignored). */
export function embeddingsUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`embedder baseUrl ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`embedder baseUrl must be http or https, got ${url.protocol}`);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path.endsWith('/v1') ? path : `${path}/v1`}/embeddings`;
  return url.toString();
}

export async function createOpenAiCompatibleEmbedder(options: OpenAiCompatibleEmbedderOptions): Promise<Embedder> {
  const url = embeddingsUrl(options.baseUrl);
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
  const what = `${url} (model ${options.model})`;

  /** One request: vectors in input order, each of `dim` dimensions when `dim` is known. */
  const request = async (texts: readonly string[], dim: number | null): Promise<Float32Array[]> => {
    // OpenAI rejects an empty string as input; one space embeds as "nothing" just the same.
    const input = texts.map((t) => (t === '' ? ' ' : t));
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify({ model: options.model, input }), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new EmbedderRequestError(`${what} did not answer within ${timeoutMs} ms`);
      const cause = (e.cause as Error | undefined)?.message;
      throw new EmbedderRequestError(`could not reach ${what}: ${e.message}${cause ? ` (${cause})` : ''}`);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new EmbedderRequestError(`${what} did not finish its answer within ${timeoutMs} ms`, response.status);
      throw new EmbedderRequestError(`${what}: reading the answer failed: ${e.message}`, response.status);
    }
    if (!response.ok) throw new EmbedderRequestError(`${what} answered HTTP ${response.status}: ${excerpt(body)}`, response.status);
    return parseAnswer(body, texts.length, dim, what);
  };

  const first = await request(['dimension probe'], null);
  const info: EmbedderInfo = Object.freeze({ provider: 'openai', model: options.model, dim: first[0]!.length });
  let closed = false;

  return {
    info,
    async embed(texts) {
      if (closed) throw new Error('the embedder is closed');
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += MAX_INPUTS_PER_REQUEST) {
        out.push(...(await request(texts.slice(start, start + MAX_INPUTS_PER_REQUEST), info.dim)));
      }
      return out;
    },
    async close() {
      closed = true;
    },
  };
}

/** `data[].embedding` ordered by `data[].index`, each checked and normalized. */
function parseAnswer(body: string, count: number, dim: number | null, what: string): Float32Array[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new EmbedderRequestError(`${what} answered something that is not JSON: ${excerpt(body)}`);
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new EmbedderRequestError(`${what} answered without a data array: ${excerpt(body)}`);
  if (data.length !== count) throw new EmbedderRequestError(`${what} answered ${data.length} embeddings for ${count} inputs`);

  const items = data as { index?: unknown; embedding?: unknown }[];
  // Servers that omit `index` answer in input order; a mix of both cannot be ordered.
  const indexed = items.filter((d) => d.index !== undefined).length;
  if (indexed !== 0 && indexed !== count) throw new EmbedderRequestError(`${what} gave an index to ${indexed} of ${count} embeddings`);
  const vectors = new Array<Float32Array | undefined>(count);
  items.forEach((item, position) => {
    const at = indexed === 0 ? position : item.index;
    if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at >= count) throw new EmbedderRequestError(`${what} answered an embedding with index ${JSON.stringify(at)} for ${count} inputs`);
    if (vectors[at]) throw new EmbedderRequestError(`${what} answered index ${at} twice`);
    const e = item.embedding;
    if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new EmbedderRequestError(`${what} answered embedding ${at} that is not a list of numbers (a base64 string needs encoding_format "float")`);
    }
    if (dim !== null && e.length !== dim) {
      throw new EmbedderRequestError(`${what} answered a ${e.length}-dimension embedding, but it gave ${dim} dimensions when this embedder was created; did the server switch models? Its vectors cannot share an index`);
    }
    const v = normalizeInPlace(Float32Array.from(e as number[]));
    if (!v) throw new EmbedderRequestError(`${what} answered an all-zero embedding for input ${at}`);
    vectors[at] = v;
  });
  return vectors as Float32Array[];
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}
