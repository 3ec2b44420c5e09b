// Turns a session's SLA samples (one row per changed reading) into what a chart draws: one shared time axis,
// per objective its SLI (the success rate where the provider measured one, else the objective's own reading,
// e.g. ready pods), the p95 latency where measured, and the spans it was red; plus a sentence per objective
// for readers who do not see the chart. Pure: the API and the website both load it. Times are epoch ms.
import type { SlaStatus } from './session-terms.ts';

/** One objective as a sample stores it (extra fields such as descriptions are ignored). */
export interface SampleObjective {
  name: string;
  status: string;
  value?: number;
  target?: number;
  slis?: Record<string, number>;
}

export interface SliSample {
  at: number;
  status: SlaStatus;
  objectives: SampleObjective[];
}

export interface Span {
  from: number;
  to: number;
}

/** `successRate`: 0..1 from real requests; `reading`: the objective's own value (e.g. ready endpoints). */
export type SliKind = 'successRate' | 'reading';

export interface ObjectiveSeries {
  name: string;
  sli: SliKind;
  /** The objective's target in the unit of `values`, as last reported. */
  target?: number;
  /** One value per entry of `times`; null where the objective could not be read. */
  values: (number | null)[];
  /** p95 latency in ms per entry of `times`, when the provider measures latency. */
  latencyP95Ms?: (number | null)[];
  redSpans: Span[];
}

export interface SliSeries {
  from: number;
  to: number;
  /** The sample times, plus `to` when it is later: every reading holds until the next one. */
  times: number[];
  /** Spans the SLA as a whole was red. */
  redSpans: Span[];
  objectives: ObjectiveSeries[];
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** The spans in which `isRed(i)` holds, each sample holding until the next (the last until `to`). */
function spansOf(samples: SliSample[], to: number, isRed: (sample: SliSample) => boolean): Span[] {
  const spans: Span[] = [];
  samples.forEach((sample, index) => {
    if (!isRed(sample)) return;
    const end = Math.min(samples[index + 1]?.at ?? to, to);
    const last = spans.at(-1);
    if (last && last.to >= sample.at) last.to = Math.max(last.to, end);
    else if (end > sample.at) spans.push({ from: sample.at, to: end });
  });
  return spans;
}

/**
 * The series from `from` (default: the first sample) to `to`. Samples after `to` are dropped; those before
 * `from` only set the state at `from` (e.g. a sandbox coming up before it was ready is not a red span). An
 * objective missing from a sample, or unknown in it, has no value there.
 */
export function buildSliSeries(samples: readonly SliSample[], window: { from?: number; to: number }): SliSeries {
  const ordered = samples.filter((sample) => sample.at <= window.to).sort((a, b) => a.at - b.at);
  const from = Math.min(window.from ?? ordered[0]?.at ?? window.to, window.to);
  const to = window.to;
  const inWindow = ordered.filter((sample) => sample.at >= from);
  const carried = ordered.findLast((sample) => sample.at < from);
  const sorted = carried && (inWindow[0]?.at ?? Infinity) > from ? [{ ...carried, at: from }, ...inWindow] : inWindow;
  const names = [...new Set(sorted.flatMap((sample) => sample.objectives.map((o) => o.name)))];
  const last = sorted.at(-1);
  const times = sorted.map((sample) => sample.at);
  const extend = last !== undefined && to > last.at;
  if (extend) times.push(to);

  const objectives = names.map((name): ObjectiveSeries => {
    const readings = sorted.map((sample) => sample.objectives.find((o) => o.name === name));
    const sli: SliKind = readings.some((o) => finite(o?.slis?.successRate)) ? 'successRate' : 'reading';
    const valueOf = (o: SampleObjective | undefined): number | null => {
      if (!o || o.status === 'unknown') return null;
      const value = sli === 'successRate' ? o.slis?.successRate : o.value;
      return finite(value) ? value : null;
    };
    const latencyOf = (o: SampleObjective | undefined): number | null =>
      o && o.status !== 'unknown' && finite(o.slis?.p95Ms) ? o.slis.p95Ms : null;
    const values = readings.map(valueOf);
    const latency = readings.some((o) => finite(o?.slis?.p95Ms)) ? readings.map(latencyOf) : undefined;
    if (extend) {
      values.push(values.at(-1) ?? null);
      latency?.push(latency.at(-1) ?? null);
    }
    const target = readings.findLast((o) => finite(o?.target))?.target;
    return {
      name,
      sli,
      ...(target !== undefined ? { target } : {}),
      values,
      ...(latency ? { latencyP95Ms: latency } : {}),
      redSpans: spansOf(sorted, to, (sample) => sample.objectives.some((o) => o.name === name && o.status === 'red')),
    };
  });

  return { from, to, times, redSpans: spansOf(sorted, to, (sample) => sample.status === 'red'), objectives };
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** 0.987 → "98.7 %"; other readings as they are, at most two decimals. */
export function formatSli(value: number, sli: SliKind): string {
  if (sli === 'successRate') return `${Number((value * 100).toFixed(1))} %`;
  return String(Number(value.toFixed(2)));
}

/**
 * The chart in one sentence, for screen readers and as the text beside it: how long and how often the
 * objective was red, its latest value against its target, and its latest latency.
 */
export function describeObjective(series: Pick<SliSeries, 'to'>, objective: ObjectiveSeries): string {
  const what = objective.sli === 'successRate' ? 'success rate' : 'reading';
  const redMs = objective.redSpans.reduce((sum, span) => sum + span.to - span.from, 0);
  const red =
    objective.redSpans.length === 0
      ? 'never red'
      : `red for ${seconds(redMs)} s in ${objective.redSpans.length} span${objective.redSpans.length === 1 ? '' : 's'}`;
  const redNow = objective.redSpans.at(-1)?.to === series.to;
  const latest = objective.values.findLast((value) => value !== null);
  const target = objective.target === undefined ? '' : ` (target ${formatSli(objective.target, objective.sli)})`;
  const value = latest === undefined || latest === null ? `no ${what} yet` : `latest ${what} ${formatSli(latest, objective.sli)}${target}`;
  const p95 = objective.latencyP95Ms?.findLast((ms) => ms !== null);
  const latency = p95 === undefined || p95 === null ? '' : `, p95 latency ${Math.round(p95)} ms`;
  return `${objective.name}: ${red}${redNow ? ', red now' : ''}; ${value}${latency}.`;
}
