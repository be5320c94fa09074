// The app's one time range, in the header: a menu of relative ranges, "All time" and "Custom…",
// which shows two local date-time bounds. Every page with time reads it; on the others it is kept
// (in their URLs and the nav's links) for the next page, and the control says so.
import { chooseRange, RANGE_CHOICES, rangeLabel, type RangeChoice } from '../../lib/time-range';
import { TIMED_VIEWS } from '../../lib/nav';
import { setRange, useUiStore } from '../../state/ui-store';

export function TimeRangeControl() {
  const range = useUiStore((s) => s.range);
  const view = useUiStore((s) => s.route.view);
  const applies = TIMED_VIEWS.includes(view);
  const title = applies ? `Time range of this page and every page with time: ${rangeLabel(range)}` : `This page has no time range; the pages with one will show: ${rangeLabel(range)}`;
  return (
    <div className={applies ? 'time-range' : 'time-range is-idle'} role="group" aria-label="Time range" title={title}>
      <select
        className="time-range-select"
        aria-label="Time range"
        data-testid="time-range"
        value={range.choice}
        onChange={(e) => setRange(chooseRange(range, e.target.value as RangeChoice))}
      >
        {RANGE_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {range.choice === 'custom' && (
        <>
          <input
            type="datetime-local"
            className="time-range-bound"
            aria-label="From"
            data-testid="time-range-from"
            value={range.from}
            max={range.to || undefined}
            onChange={(e) => setRange({ ...range, from: e.target.value }, 'replace')}
          />
          <span aria-hidden="true">–</span>
          <input
            type="datetime-local"
            className="time-range-bound"
            aria-label="To"
            data-testid="time-range-to"
            value={range.to}
            min={range.from || undefined}
            onChange={(e) => setRange({ ...range, to: e.target.value }, 'replace')}
          />
        </>
      )}
    </div>
  );
}
