// The time-range picker both telemetry pages share: how far back from now they look.
import { TIME_RANGES, type TimeRange } from '../../lib/telemetry/route';

const LABELS: Record<TimeRange, string> = {
  all: 'All time',
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

export function RangeSelect({ value, onChange, testId }: { value: TimeRange; onChange: (r: TimeRange) => void; testId: string }) {
  return (
    <select aria-label="Time range" data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as TimeRange)}>
      {TIME_RANGES.map((r) => (
        <option key={r} value={r}>
          {LABELS[r]}
        </option>
      ))}
    </select>
  );
}
