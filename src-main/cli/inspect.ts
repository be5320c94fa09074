/**
 * `flowtrace inspect TRACE_ID`: a stored trace as a tree in the terminal (the tree `get_trace`
 * gives a model), from the running Flowtrace's REST API. Colour only on a terminal (and never with
 * NO_COLOR); `--json` prints the tree's structured form for scripts.
 */
import { parseArgs } from 'node:util';
import { UsageError as CliUsageError } from './command';
import { loadTraceTree } from '../mcp/load-trace-tree';
import { createRestClient } from '../mcp/rest-client';
import { renderTraceTree } from '../mcp/trace-tree';
import { apiBase } from './api-client';

/** For the `flowtrace --help` overview. */
export const INSPECT_USAGE = `  flowtrace inspect TRACE_ID [--depth N] [--expand SPAN_ID] [--full] [--json] [--url URL]
                                   a trace as a tree: kinds, durations, tokens, cost, errors, typed edges
`;

export const INSPECT_HELP = `Usage: flowtrace inspect TRACE_ID [--depth N] [--expand SPAN_ID] [--full] [--json] [--url URL]

Prints a stored trace as a tree: one line per span (repeated siblings folded as ×N) with its kind,
name, span id, duration, model, tokens, cost and errors, and the agent graph's handoffs, tool
results, retries and fallbacks. Asks the running Flowtrace at --url (default $FLOWTRACE_URL,
$FLOWTRACE_API or http://127.0.0.1:9600).

Options:
  --depth N          show N levels (1 = the top spans only)
  --expand SPAN_ID   show only that span's subtree, each of its children on its own line
  --full             print the whole tree (by default it is cut at about 6k tokens, saying what
                     was cut)
  --json             the tree's structured form, for scripts
  --url URL          the running Flowtrace's UI + REST address
  -h, --help         show this help
`;

const HINT = '×N: N same-named siblings folded. More: --expand SPAN_ID (a subtree, every child listed), --depth N, --full.';

export async function inspectCommand(argv: string[]): Promise<void> {
  let parsed: { values: { depth?: string | undefined; expand?: string | undefined; full?: boolean | undefined; json?: boolean | undefined; url?: string | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        depth: { type: 'string' },
        expand: { type: 'string' },
        full: { type: 'boolean' },
        json: { type: 'boolean' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new CliUsageError(`inspect: ${(err as Error).message}`, { cause: err });
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(INSPECT_HELP);
    return;
  }
  if (positionals.length !== 1) throw new CliUsageError(positionals.length === 0 ? 'inspect needs a TRACE_ID' : 'inspect takes one TRACE_ID');
  const traceId = positionals[0]!;
  if (!/^[0-9a-fA-F]{32}$/.test(traceId)) throw new CliUsageError(`inspect: TRACE_ID must be 32 hex characters, not "${traceId}"`);
  let depth: number | undefined;
  if (values.depth !== undefined) {
    depth = Number(values.depth);
    if (!/^\d+$/.test(values.depth) || depth < 1) throw new CliUsageError(`--depth must be a whole number from 1, not "${values.depth}"`);
  }
  const expand = values.expand?.replace(/^#/, '');
  if (expand !== undefined && !/^[0-9a-fA-F]{16}$/.test(expand)) throw new CliUsageError(`--expand must be a span id (16 hex characters), not "${values.expand}"`);
  const url = apiBase({ url: values.url });

  const tree = await loadTraceTree(createRestClient(url), traceId.toLowerCase(), {
    ...(depth !== undefined ? { depth } : {}),
    ...(expand !== undefined ? { expand } : {}),
    ...(values.full ? { maxTokens: Number.POSITIVE_INFINITY } : {}),
  });
  if (!tree) throw new Error(`no trace ${traceId} in the Flowtrace at ${url}`);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(tree)}\n`);
    return;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderTraceTree(tree, { color, hint: HINT }));
}
