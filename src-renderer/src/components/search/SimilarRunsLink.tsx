// "Similar runs": opens the search page with the trace's (or the span's) own remembered text as the
// query, listing other runs like it (the engine leaves out the run it came from). A link, so it can
// open in a new tab and reads as navigation to a screen reader.
import { formatRoute, similarRoute } from '../../lib/route';
import './search.css';

export function SimilarRunsLink({ traceId, spanId }: { traceId: string; spanId?: string }) {
  return (
    <a
      className="bar-button similar-runs"
      data-testid={spanId ? 'span-similar-runs' : 'similar-runs'}
      href={formatRoute(similarRoute(traceId, spanId ?? null))}
      title={spanId ? 'Other runs with a span like this one (by what it said or did)' : 'Other runs like this one (by what its agents said and did)'}
    >
      Similar runs
    </a>
  );
}
