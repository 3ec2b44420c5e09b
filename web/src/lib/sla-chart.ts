// One objective's SLI over time as uPlot options: the value as a step line (each reading holds until the next),
// the p95 latency on a second axis where measured, the target as a dashed line, red spans shaded behind the
// lines and kubectl steps as numbered markers. uPlot itself is loaded on demand (`loadUplot`), never in the
// page's first bundle.
import type uPlot from 'uplot';
import { formatOffset } from './format.ts';
import type { SlaSeriesDto } from './types.ts';

export type ObjectiveSeries = SlaSeriesDto['objectives'][number];
export type Marker = { at: number; label: string; strong: boolean };

let loading: Promise<typeof uPlot> | undefined;

/** uPlot and its stylesheet, fetched once on first use. */
export function loadUplot(): Promise<typeof uPlot> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([module]) => module.default);
  return loading;
}

/** What the chart draws, read on every redraw so a live update only swaps it and calls setData. */
export interface ChartModel {
  objective: ObjectiveSeries;
  times: number[];
  markers: Marker[];
  /** When set (Start), the time axis reads as offsets from it (+1:15); else as clock times. */
  origin?: number | undefined;
}

/** Colours from the page's theme (CSS custom properties), read once when the chart is made. */
export interface ChartColors {
  line: string;
  latency: string;
  target: string;
  red: string;
  marker: string;
  markerMuted: string;
  axis: string;
  grid: string;
}

export function themeColors(element: Element): ChartColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    line: read('--accent', '#1d4ed8'),
    latency: read('--warn-text', '#7a4b00'),
    target: read('--ok-text', '#0b5d29'),
    red: read('--chart-red', '#f7c8c8'),
    marker: read('--text', '#1b1f24'),
    markerMuted: read('--muted', '#4d5560'),
    axis: read('--muted', '#4d5560'),
    grid: read('--border', '#c9ced6'),
  };
}

export function chartData(model: ChartModel): uPlot.AlignedData {
  const x = model.times.map((t) => t / 1000);
  const series: (number | null)[][] = [model.objective.values];
  if (model.objective.latencyP95Ms) series.push(model.objective.latencyP95Ms);
  return [x, ...series];
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

function timeLabel(at: number, origin: number | undefined): string {
  if (origin !== undefined) return formatOffset(Math.round((at - origin) / 1000));
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const maxOf = (values: (number | null)[], floor: number) => Math.max(floor, ...values.filter((v): v is number => v !== null));

function formatValue(objective: ObjectiveSeries, value: number): string {
  return objective.sli === 'successRate' ? `${Math.round(value * 100)} %` : String(Number(value.toFixed(2)));
}

/** The uPlot options of one objective's chart; `model()` is read at draw time. */
export function chartOptions(
  U: typeof uPlot,
  model: () => ChartModel,
  size: { width: number; height: number },
  colors: ChartColors,
): uPlot.Options {
  const first = model().objective;
  const stepped = U.paths.stepped?.({ align: 1 });
  const px = (n: number) => n * U.pxRatio;

  const shadeRed = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = colors.red;
    for (const span of model().objective.redSpans) {
      const from = Math.max(bbox.left, u.valToPos(span.from / 1000, 'x', true));
      const to = Math.min(bbox.left + bbox.width, u.valToPos(span.to / 1000, 'x', true));
      if (to > from) ctx.fillRect(from, bbox.top, Math.max(to - from, px(1)), bbox.height);
    }
    ctx.restore();
  };

  const drawOverlays = (u: uPlot) => {
    const { ctx, bbox } = u;
    const { objective, markers } = model();
    ctx.save();
    if (objective.target !== undefined) {
      const y = Math.round(u.valToPos(objective.target, 'y', true));
      ctx.strokeStyle = colors.target;
      ctx.lineWidth = px(1);
      ctx.setLineDash([px(5), px(4)]);
      ctx.beginPath();
      ctx.moveTo(bbox.left, y);
      ctx.lineTo(bbox.left + bbox.width, y);
      ctx.stroke();
    }
    ctx.font = `${px(10)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // Steps closer than a label's width share one line: "1,2" rather than two labels on top of each other.
    const groups: { x: number; label: string; strong: boolean }[] = [];
    for (const marker of markers) {
      const x = Math.round(u.valToPos(marker.at / 1000, 'x', true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      const last = groups.at(-1);
      if (last && x - last.x < px(14)) {
        last.label = `${last.label},${marker.label}`;
        last.strong ||= marker.strong;
      } else groups.push({ x, label: marker.label, strong: marker.strong });
    }
    for (const { x, label, strong } of groups) {
      ctx.strokeStyle = ctx.fillStyle = strong ? colors.marker : colors.markerMuted;
      ctx.lineWidth = px(strong ? 1.5 : 1);
      ctx.setLineDash(strong ? [] : [px(2), px(3)]);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top + px(12));
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillText(label, x, bbox.top);
    }
    ctx.restore();
  };

  const series: uPlot.Series[] = [
    {},
    {
      label: first.sli === 'successRate' ? 'Success rate' : 'Reading',
      stroke: colors.line,
      width: 2,
      spanGaps: false,
      points: { show: false },
      ...(stepped ? { paths: stepped } : {}),
      value: (_u, value) => (value === null ? '–' : formatValue(model().objective, value)),
    },
  ];
  const axes: uPlot.Axis[] = [
    {
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid },
      // Whole seconds and minutes, read from Start when there is one (as the replay does).
      incrs: TIME_STEPS,
      space: 56,
      size: 30, // one line of labels (the default leaves room for a second, the date)
      splits: (_u, _axis, min, max, incr) => {
        const origin = (model().origin ?? 0) / 1000;
        const splits: number[] = [];
        for (let t = origin + Math.ceil((min - origin) / incr) * incr; t <= max; t += incr) splits.push(t);
        return splits;
      },
      values: (_u, splits) => splits.map((t) => timeLabel(t * 1000, model().origin)),
    },
    {
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid },
      size: 48,
      values: (_u, splits) => splits.map((v) => formatValue(model().objective, v)),
    },
  ];
  if (first.latencyP95Ms) {
    series.push({
      label: 'p95 latency',
      scale: 'ms',
      stroke: colors.latency,
      width: 1.5,
      dash: [6, 3],
      spanGaps: false,
      points: { show: false },
      ...(stepped ? { paths: stepped } : {}),
      value: (_u, value) => (value === null ? '–' : `${Math.round(value)} ms`),
    });
    axes.push({
      scale: 'ms',
      side: 1,
      stroke: colors.latency,
      grid: { show: false },
      size: 56,
      values: (_u, splits) => splits.map((v) => `${v} ms`),
    });
  }

  return {
    ...size,
    series,
    axes,
    scales: {
      x: { time: true },
      y: {
        range: () => {
          const { objective } = model();
          if (objective.sli === 'successRate') return [0, 1];
          return [0, Math.ceil(maxOf(objective.values, objective.target ?? 1) * 1.15)];
        },
      },
      ms: { range: () => [0, Math.ceil(maxOf(model().objective.latencyP95Ms ?? [], 10) * 1.15)] },
    },
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    hooks: { drawClear: [shadeRed], draw: [drawOverlays] },
  };
}
