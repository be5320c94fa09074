// PLACEHOLDER until the cytoscape graph lands.
import type { AgentGraph } from '../../../../src-shared/contract';
import type { TraceOutline } from '../../../../src-shared/trace-outline';

export interface TraceGraphProps {
  traceId: string;
  /** The agent graph of the trace, every node (no collapsing); undefined while loading, null when the engine has none. */
  graph: AgentGraph | null | undefined;
  /** The whole trace's shape, for traces without GenAI spans (the graph is then built from the span tree). */
  outline: TraceOutline;
  selectedId: string | null;
  hoveredId: string | null;
  onSelect: (spanId: string | null) => void;
  onHover: (spanId: string | null) => void;
}

export function TraceGraph({ graph }: TraceGraphProps) {
  return (
    <div className="graph-pane" data-testid="trace-graph">
      <p className="muted pad">{graph ? `${graph.nodes.length} agent graph nodes` : 'Graph loading…'}</p>
    </div>
  );
}
