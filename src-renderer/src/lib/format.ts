// The numbers of the UI live in src-shared/format.ts, so the CLI and the MCP server print a cost, a
// token count or a duration exactly as the views do.
export { costLabel, formatDuration, formatTokens, formatUsd } from '../../../src-shared/format';
