// A live line chart (uPlot, canvas): time on x, one line per series, redrawn as points arrive.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  title: string;
  unit: string;
  series: { label: string; color: string }[];
  /** [times in seconds, ...one array per series]; null = no value at that time (a gap). */
  data: (number | null)[][];
}

export function Chart({ title, unit, series, data }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  useEffect(() => {
    const el = box.current!;
    const width = () => Math.max(240, el.clientWidth - 8);
    plot.current = new uPlot(
      {
        width: width(),
        height: 180,
        legend: { show: true },
        // one sample has no span: show the minute before it rather than a range of years
        scales: { x: { time: true, range: (_u, min, max) => (min === max ? [min - 60, max] : [min, max]) } },
        axes: [{}, { label: unit, size: 56 }],
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } })),
        ],
      },
      data as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, [series.map((s) => s.label).join('|')]);
  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  return (
    <figure class="card chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}, chart in ${unit}`} />
    </figure>
  );
}
