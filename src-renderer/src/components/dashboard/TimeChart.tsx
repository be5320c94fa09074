// A uPlot time series (one line per group), mounted once per element; new data goes through
// setData, a size change through setSize. uPlot draws on canvas from plain arrays.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#4f7cff', '#e4572e', '#29a36a', '#f2a541', '#9b5de5', '#00a6a6', '#d1495b', '#7a8b99', '#c17817', '#5b8e7d', '#888888'];

export function TimeChart({ keys, data, format }: { keys: string[]; data: Array<Array<number | null>>; format: (v: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: 240,
      series: [
        {},
        ...keys.map((k, i) => ({ label: k, stroke: COLORS[i % COLORS.length]!, width: 1.5, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)) })),
      ],
      axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => format(t)), size: 70 }],
      legend: { show: true },
    };
    const plot = new uPlot(opts, data as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [keys, data, format]);
  return <div ref={host} className="dashboard-chart" data-testid="dashboard-chart" />;
}
