/**
 * Draws requests as bars on a shared time axis with plain ASCII, so the overlap
 * is seen rather than read:
 *
 *          0         250       500       750 ms
 *          |---------|---------|---------|--
 *   #0 a   ====================o                 answered 200 at 500 ms
 *   #1 b   ======x                               answered 503 at 150 ms
 *   #2 c   ==========!                           aborted by the client at 250 ms
 */

/** How a request ended, as the timeline draws it. */
export type RowOutcome = 'ok' | 'failed' | 'aborted' | 'open';

export interface TimelineRow {
  label: string;
  /** ms from the scenario's start. */
  start: number;
  /** ms from the scenario's start; `undefined` while still open. */
  end?: number;
  outcome: RowOutcome;
  /** Printed after the bar. */
  note?: string;
}

export interface TimelineOptions {
  /** Draw the axis at least up to this time (ms), e.g. to share one axis between two timelines. */
  until?: number;
  /** Maximum columns for the bars; default 60. */
  width?: number;
  /** Vertical lines, e.g. a deadline. */
  marks?: ReadonlyArray<{ at: number; label: string }>;
  /** Adds a row with the number of requests in flight per column. */
  inFlight?: boolean;
  /** Left margin. */
  indent?: string;
}

const END: Record<RowOutcome, string> = { ok: 'o', failed: 'x', aborted: '!', open: '>' };
const LEGEND: Record<RowOutcome, string> = {
  ok: 'o answered',
  failed: 'x failed',
  aborted: '! aborted by the client',
  open: '> still open',
};
const MARK = ':';
/** Milliseconds per column, from fine to coarse; ticks fall on every 10th column. */
const STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];

/** The timeline as lines (no trailing newline). */
export function renderTimeline(rows: readonly TimelineRow[], options: TimelineOptions = {}): string[] {
  const { width = 60, marks = [], indent = '  ' } = options;
  const last = Math.max(1, options.until ?? 0, ...rows.map((r) => r.end ?? r.start), ...marks.map((m) => m.at));
  const step = STEPS.find((s) => last / s < width) ?? Math.ceil(last / (width - 1));
  const cols = Math.floor(last / step) + 1;
  const col = (t: number) => Math.min(cols - 1, Math.max(0, Math.floor(t / step)));
  const labelWidth = Math.max(9, ...rows.map((r) => r.label.length));
  const pad = indent + ' '.repeat(labelWidth + 1);

  // Axis: a tick label every 10 columns, the unit after the last one.
  const ticks = Array<string>(cols + 12).fill(' ');
  const ruler = Array<string>(cols).fill('-');
  for (let c = 0; c < cols; c += 10) {
    ruler[c] = '|';
    const text = String(c * step) + (c + 10 >= cols ? ' ms' : '');
    for (let k = 0; k < text.length; k++) ticks[c + k] = text[k]!;
  }
  const markCols = marks.map((m) => col(m.at));
  for (const c of markCols) ruler[c] = MARK;

  const lines: string[] = [];
  for (const m of marks) lines.push(`${pad}${' '.repeat(col(m.at))}${MARK} ${m.label} at ${Math.round(m.at)} ms`);
  lines.push((pad + ticks.join('')).trimEnd());
  lines.push(pad + ruler.join(''));

  for (const row of rows) {
    const bar = Array<string>(cols).fill(' ');
    for (const c of markCols) bar[c] = MARK;
    const from = col(row.start);
    const to = row.end === undefined ? cols - 1 : col(row.end);
    for (let c = from; c < to; c++) bar[c] = '=';
    bar[to] = END[row.outcome];
    const note = row.note ? `  ${row.note}` : '';
    lines.push(`${indent}${row.label.padEnd(labelWidth)} ${bar.join('')}${note}`.trimEnd());
  }

  if (options.inFlight) {
    const counts = Array.from({ length: cols }, (_, c) => {
      // Sampled at the middle of the column: never more than were really open at one instant.
      const t = (c + 0.5) * step;
      const n = rows.filter((r) => r.start <= t && t < (r.end ?? Infinity)).length;
      return n === 0 ? ' ' : n > 9 ? '+' : String(n);
    });
    lines.push(`${indent}${'in flight'.padEnd(labelWidth)} ${counts.join('')}`.trimEnd());
  }

  const used = (['ok', 'failed', 'aborted', 'open'] as const).filter((o) => rows.some((r) => r.outcome === o));
  const legend = [
    '= in flight',
    ...used.map((o) => LEGEND[o]),
    ...(marks.length > 0 ? [`${MARK} ${marks[0]!.label}`] : []),
  ];
  lines.push(`${pad}${legend.join('   ')}   (1 column = ${step} ms)`);
  return lines;
}
