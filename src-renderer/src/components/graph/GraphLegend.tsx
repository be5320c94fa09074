// The key to the graph's edge styles (and to folds), drawn with the same theme colours via CSS.
const EDGES: Array<[type: string, label: string]> = [
  ['calls', 'calls'],
  ['handoff', 'handoff'],
  ['tool_result', 'tool result'],
  ['retry_of', 'retry of'],
  ['fallback_of', 'fallback of'],
  ['link', 'link'],
];

export function GraphLegend() {
  return (
    <ul className="graph-legend" data-testid="graph-legend" aria-label="Edge types">
      {EDGES.map(([type, label]) => (
        <li key={type} data-edge-type={type}>
          <svg width="26" height="8" aria-hidden="true">
            <line x1="1" y1="4" x2="25" y2="4" className={`legend-line legend-${type}`} />
          </svg>
          {label}
        </li>
      ))}
      <li className="legend-fold">
        <span className="legend-fold-box" aria-hidden="true" />
        ×N repeats · double-click to expand
      </li>
    </ul>
  );
}
