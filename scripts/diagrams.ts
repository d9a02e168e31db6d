/**
 * Marble diagrams of the operators, drawn from real `TestScheduler` runs of the
 * package (imported from src/), so a picture cannot drift from the behaviour:
 * every input is wrapped to record the frames at which it is subscribed, emits,
 * completes, errors, is unsubscribed and (for factories) sees its signal aborted;
 * the output's notifications are recorded the same way. Nothing in a picture is
 * typed in by hand except the inputs' schedules and the lane names.
 *
 *   tsx scripts/diagrams.ts            writes docs/diagrams/*.svg (npm run diagrams)
 *   tsx scripts/diagrams.ts --check    regenerates into a temp dir and fails when the
 *                                      committed files differ (npm run diagrams:check)
 *   tsx scripts/diagrams.ts --out DIR  writes into DIR
 *
 * The SVG is deterministic: no timestamps, integer coordinates, fixed palette,
 * lanes and files in a fixed order, so the output is byte-identical run to run.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { forkJoin, merge, mergeMap, Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { asCompleted, asCompletedWithTimeout, firstCompleted, mergeCompletedThen, type Settled } from '../src/index.js';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'docs', 'diagrams');

/* ---------- recording ---------- */

type Mark =
  | { kind: 'subscribe'; frame: number }
  | { kind: 'next'; frame: number; text: string; color: number; rejected?: boolean }
  | { kind: 'complete'; frame: number }
  | { kind: 'error'; frame: number }
  | { kind: 'unsubscribe'; frame: number }
  | { kind: 'abort'; frame: number };

interface Lane {
  name: string;
  output: boolean;
  color: number;
  marks: Mark[];
  /** Frames of per-lane limits (`each`), drawn as short dashed ticks. */
  limits: number[];
  /** Write the frame the lane ended at after its last mark. */
  noteEnd?: boolean;
}

interface Panel {
  /** The call, shown above the lanes. */
  code: string;
  lanes: Lane[];
  /** Frames of deadlines across the whole panel, with a label. */
  deadlines: Array<{ frame: number; label: string }>;
}

interface Diagram {
  file: string;
  title: string;
  /** One or two sentences, also the SVG's <desc>. */
  caption: string;
  panels: Panel[];
}

/** What an emitted value looks like in a lane. */
type Label = (value: unknown) => { text: string; color: number; rejected?: boolean };

/**
 * Records one panel inside `TestScheduler.run`. `input` wraps an observable so
 * that every subscription to it is recorded in its lane; `factory` does the
 * same for a lazy input and also records its signal's abort.
 */
class Recorder {
  readonly panel: Panel;
  private readonly colors = new Map<string, number>();

  constructor(
    private readonly scheduler: TestScheduler,
    code: string,
  ) {
    this.panel = { code, lanes: [], deadlines: [] };
  }

  /** The colour of a value or lane name (values inherit their input's colour). */
  colorOf(key: string): number {
    return this.colors.get(key) ?? 0;
  }

  /** Values named `key` take this colour (e.g. a child takes its item's). */
  colorKey(key: string, color: number): void {
    this.colors.set(key, color);
  }

  lane(name: string, color: number, output = false): Lane {
    const lane: Lane = { name, output, color, marks: [], limits: [] };
    if (!this.colors.has(name)) this.colors.set(name, color);
    this.panel.lanes.push(lane);
    return lane;
  }

  /** An observable input (cold): its lane records what happens to it. */
  input<T>(name: string, source: Observable<T>, color: number, label: Label = this.plain): Observable<T> {
    const lane = this.lane(name, color);
    return this.watch(lane, source, label);
  }

  /** A factory input: as `input`, plus the frame its signal is aborted. */
  factory<T>(name: string, source: Observable<T>, color: number): (signal: AbortSignal) => Observable<T> {
    const lane = this.lane(name, color);
    return (signal) => {
      signal.addEventListener('abort', () => lane.marks.push({ kind: 'abort', frame: this.scheduler.now() }), {
        once: true,
      });
      return this.watch(lane, source, this.plain);
    };
  }

  /** Subscribes to the operator's output and records its notifications. */
  output<T>(source: Observable<T>, label: Label = this.plain): Lane {
    const lane = this.lane('output', 0, true);
    source.subscribe({
      next: (value) => lane.marks.push({ kind: 'next', frame: this.scheduler.now(), ...label(value) }),
      error: () => lane.marks.push({ kind: 'error', frame: this.scheduler.now() }),
      complete: () => lane.marks.push({ kind: 'complete', frame: this.scheduler.now() }),
    });
    return lane;
  }

  /** Input values are named after their lane (`a` from lane `a`), so they share its colour. */
  readonly plain: Label = (value) => {
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    return { text, color: this.colorOf(Array.isArray(value) ? String(value[0]) : text) };
  };

  /** A settled record: the value, or the failed input's name crossed out. */
  settled(names: readonly string[]): Label {
    return (record) => {
      const r = record as Settled<string>;
      return r.status === 'fulfilled'
        ? { text: r.value, color: this.colorOf(r.value) }
        : { text: `${names[r.index]} ✗`, color: this.colorOf(names[r.index]), rejected: true };
    };
  }

  private watch<T>(lane: Lane, source: Observable<T>, label: Label): Observable<T> {
    const now = () => this.scheduler.now();
    return new Observable<T>((subscriber) => {
      lane.marks.push({ kind: 'subscribe', frame: now() });
      let ended = false;
      const inner = source.subscribe({
        next: (value) => {
          lane.marks.push({ kind: 'next', frame: now(), ...label(value) });
          subscriber.next(value);
        },
        error: (error: unknown) => {
          ended = true;
          lane.marks.push({ kind: 'error', frame: now() });
          subscriber.error(error);
        },
        complete: () => {
          ended = true;
          lane.marks.push({ kind: 'complete', frame: now() });
          subscriber.complete();
        },
      });
      return () => {
        if (!ended) lane.marks.push({ kind: 'unsubscribe', frame: now() });
        inner.unsubscribe();
      };
    });
  }
}

/** Runs `build` inside a fresh TestScheduler's `run` and returns the recorded panel. */
function record(code: string, build: (rec: Recorder, helpers: RunHelpers) => void): Panel {
  const scheduler = new TestScheduler(() => undefined);
  const rec = new Recorder(scheduler, code);
  scheduler.run((helpers) => build(rec, helpers));
  return rec.panel;
}

/* ---------- the scenarios ---------- */

function completionOrder(): Diagram {
  return {
    file: 'asCompleted-order.svg',
    title: 'asCompleted: results in the order they finish',
    caption:
      'Each result is emitted the moment its input completes, whatever its position; the output completes with the last input.',
    panels: [
      record('asCompleted([a, b, c])', (rec, { cold }) => {
        // prettier-ignore
        const inputs = [
          rec.input('a', cold('------(a|)'), 1),
          rec.input('b', cold('--(b|)'),     2),
          rec.input('c', cold('----(c|)'),   3),
        ];
        rec.output(asCompleted(inputs));
      }),
    ],
  };
}

function concurrencyQueueing(): Diagram {
  return {
    file: 'asCompleted-concurrency.svg',
    title: 'asCompleted with concurrency: 2',
    caption:
      'At most two inputs run; the others wait (dashed) and start in input order as slots free, so c starts when b finishes and d when a does.',
    panels: [
      record('asCompleted([a, b, c, d], { concurrency: 2 })', (rec, { cold }) => {
        // prettier-ignore
        const inputs = [
          rec.input('a', cold('-----(a|)'), 1),
          rec.input('b', cold('--(b|)'),    2),
          rec.input('c', cold('----(c|)'),  3),
          rec.input('d', cold('--(d|)'),    4),
        ];
        rec.output(asCompleted(inputs, { concurrency: 2 }));
      }),
    ],
  };
}

function failFastVersusSettled(): Diagram {
  const names = ['a', 'b', 'c', 'd'];
  // prettier-ignore
  const scenario = (rec: Recorder, { cold }: RunHelpers) => [
    rec.factory('a', cold('-------(a|)'), 1),
    rec.factory('b', cold('--(b|)'),      2),
    rec.factory('c', cold('----#'),       3),
    rec.factory('d', cold('-----(d|)'),   4),
  ];
  return {
    file: 'asCompleted-fail-fast-vs-settled.svg',
    title: "Fail fast, or one record per input with emit: 'settled'",
    caption:
      "By default the first failure errors the output and cancels the others (their signals are aborted). With emit: 'settled' a failure is a rejected record and every input yields exactly one record.",
    panels: [
      record('asCompleted([a, b, c, d])', (rec, helpers) => {
        rec.output(asCompleted(scenario(rec, helpers)));
      }),
      record("asCompleted([a, b, c, d], { emit: 'settled' })", (rec, helpers) => {
        rec.output(asCompleted(scenario(rec, helpers), { emit: 'settled' }), rec.settled(names));
      }),
    ],
  };
}

function totalDeadline(): Diagram {
  const names = ['a', 'b', 'c', 'd'];
  const total = 6;
  // prettier-ignore
  const scenario = (rec: Recorder, { cold }: RunHelpers) => [
    rec.factory('a', cold('--(a|)'),       1),
    rec.factory('b', cold('--------(b|)'), 2),
    rec.factory('c', cold('----(c|)'),     3),
    rec.factory('d', cold('-----(d|)'),    4),
  ];
  const deadline = { frame: total, label: `total: ${total}` };
  return {
    file: 'asCompletedWithTimeout-total.svg',
    title: 'asCompletedWithTimeout: a total deadline keeps the partial results',
    caption:
      'What finished before the deadline was already emitted; at the deadline the running inputs are cancelled. The output then errors with AsCompletedTimeoutError (info.pending names b and d), or, with emit: settled, gives a rejected record per unfinished input and completes.',
    panels: [
      record(`asCompletedWithTimeout([a, b, c, d], { total: ${total}, concurrency: 3 })`, (rec, helpers) => {
        rec.output(asCompletedWithTimeout(scenario(rec, helpers), { total, concurrency: 3 }));
        rec.panel.deadlines.push(deadline);
      }),
      record(
        `asCompletedWithTimeout([a, b, c, d], { total: ${total}, concurrency: 3, emit: 'settled' })`,
        (rec, helpers) => {
          rec.output(
            asCompletedWithTimeout(scenario(rec, helpers), { total, concurrency: 3, emit: 'settled' }),
            rec.settled(names),
          );
          rec.panel.deadlines.push(deadline);
        },
      ),
    ],
  };
}

function eachDeadline(): Diagram {
  const names = ['a', 'b', 'c'];
  const each = 4;
  const panel = record(
    `asCompletedWithTimeout([a, b, c], { each: ${each}, concurrency: 2, emit: 'settled' })`,
    (rec, { cold }) => {
      // prettier-ignore
      const inputs = [
        rec.factory('a', cold('--(a|)'),     1),
        rec.factory('b', cold('------(b|)'), 2),
        rec.factory('c', cold('---(c|)'),    3),
      ];
      rec.output(asCompletedWithTimeout(inputs, { each, concurrency: 2, emit: 'settled' }), rec.settled(names));
    },
  );
  // Each input's limit, from the frame it really started (as recorded).
  for (const lane of panel.lanes) {
    const start = lane.marks.find((m) => m.kind === 'subscribe');
    if (!lane.output && start) lane.limits.push(start.frame + each);
  }
  return {
    file: 'asCompletedWithTimeout-each.svg',
    title: 'asCompletedWithTimeout: a limit per input, from when it starts',
    caption:
      "Each input gets 4 frames from its own start (the dashed tick); time spent queued does not count. b runs out and is cancelled: a rejected record in 'settled' mode. c started late, so it is in time at frame 5.",
    panels: [panel],
  };
}

function first(): Diagram {
  return {
    file: 'firstCompleted.svg',
    title: 'firstCompleted: the first input that succeeds wins',
    caption:
      'Failures are skipped (a); the first fulfilled result (b) is emitted, the output completes and the others are cancelled with their signals aborted (c).',
    panels: [
      record('firstCompleted([a, b, c])', (rec, { cold }) => {
        // prettier-ignore
        const inputs = [
          rec.factory('a', cold('--#'),        1),
          rec.factory('b', cold('----(b|)'),   2),
          rec.factory('c', cold('------(c|)'), 3),
        ];
        rec.output(firstCompleted(inputs));
      }),
    ],
  };
}

function fanOut(): Diagram {
  const items = ['a', 'b', 'c'];
  const colors: Record<string, number> = { a: 1, b: 2, c: 3 };
  // Stage 1 of an item gives its children; each child's stage 2 has its own duration.
  const scenario = (rec: Recorder, { cold }: RunHelpers) => {
    // prettier-ignore
    const stage1: Record<string, Observable<string[]>> = {
      a: rec.input('first(a)', cold('------(l|)', { l: ['D', 'E'] }), 1),
      b: rec.input('first(b)', cold('--(l|)',     { l: ['F', 'G'] }), 2),
      c: rec.input('first(c)', cold('----(l|)',   { l: ['H'] }),      3),
    };
    const parent: Record<string, string> = { D: 'a', E: 'a', F: 'b', G: 'b', H: 'c' };
    // prettier-ignore
    const schedules: Record<string, string> = { D: '--(D|)', E: '---(E|)', F: '---(F|)', G: '-----(G|)', H: '-(H|)' };
    const stage2: Record<string, Observable<string>> = {};
    for (const child of Object.keys(schedules)) {
      rec.colorKey(child, colors[parent[child]]);
      stage2[child] = rec.input(`then(${child})`, cold(schedules[child]), colors[parent[child]]);
    }
    return { first: (item: string) => stage1[item], then: (child: string) => stage2[child] };
  };
  return {
    file: 'mergeCompletedThen-vs-gather.svg',
    title: 'mergeCompletedThen beside gather-then-fan-out',
    caption:
      "mergeCompletedThen starts an item's stage 2 the moment that item's stage 1 finishes; forkJoin then mergeMap waits for the slowest stage 1 before starting any child, and finishes later on the same schedules.",
    panels: [
      record('mergeCompletedThen([a, b, c], first, then)', (rec, helpers) => {
        const { first, then } = scenario(rec, helpers);
        rec.output(mergeCompletedThen(items, first, then)).noteEnd = true;
      }),
      record(
        'forkJoin([a, b, c].map(first)).pipe(mergeMap((lists) => merge(...lists.flat().map(then))))',
        (rec, helpers) => {
          const { first, then } = scenario(rec, helpers);
          const gathered = forkJoin(items.map(first)).pipe(mergeMap((lists) => merge(...lists.flat().map(then))));
          rec.output(gathered).noteEnd = true;
        },
      ),
    ],
  };
}

export const diagrams: Array<() => Diagram> = [
  completionOrder,
  concurrencyQueueing,
  failFastVersusSettled,
  totalDeadline,
  eachDeadline,
  first,
  fanOut,
];

/* ---------- rendering ---------- */

const FRAME = 40;
const LANE = 34;
const TITLE = 30;
const CODE = 26;
const PANEL_GAP = 18;
const CHAR = 7.2; // advance of the 12px monospace font
const PALETTE = ['#1f2328', '#0969da', '#8250df', '#1a7f37', '#bc4c00', '#bf3989'];
const RED = '#cf222e';
const GREY = '#8c959f';
const DEADLINE = '#d4a72c';
const FONT = `ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace`;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r = (x: number) => Math.round(x);

/** The last frame anything happens at, over all panels. */
function lastFrame(diagram: Diagram): number {
  let last = 0;
  for (const panel of diagram.panels) {
    for (const lane of panel.lanes) {
      for (const mark of lane.marks) last = Math.max(last, mark.frame);
      for (const limit of lane.limits) last = Math.max(last, limit);
    }
    for (const d of panel.deadlines) last = Math.max(last, d.frame);
  }
  return last;
}

/** The ASCII marble of a lane (for <desc> and the docs): one character per frame, groups in parentheses. */
export function marbleOf(lane: Lane): string {
  const start = lane.marks.find((m) => m.kind === 'subscribe')?.frame ?? (lane.output ? 0 : undefined);
  if (start === undefined) return '(never started)';
  const visible = lane.marks.filter((m) => m.kind !== 'subscribe' && m.kind !== 'abort');
  const end = Math.max(start, ...visible.map((m) => m.frame));
  let out = ' '.repeat(start);
  for (let f = start; f <= end; f++) {
    const here = visible.filter((m) => m.frame === f);
    const sym = here.map((m) =>
      m.kind === 'next' ? m.text.replace(/ ✗$/, '✗') : m.kind === 'complete' ? '|' : m.kind === 'error' ? '#' : '!',
    );
    out += sym.length === 0 ? '-' : sym.length === 1 && sym[0].length === 1 ? sym[0] : `(${sym.join('')})`;
  }
  return out;
}

export function render(diagram: Diagram): string {
  const last = lastFrame(diagram);
  const labelWidth = Math.max(90, ...diagram.panels.flatMap((p) => p.lanes.map((l) => r(l.name.length * CHAR) + 36)));
  const x = (frame: number) => labelWidth + 16 + frame * FRAME;
  const timelineEnd = x(last + 1) + 24;
  const codeWidth = Math.max(...diagram.panels.map((p) => r(p.code.length * CHAR) + 32));
  const titleWidth = r(diagram.title.length * 8.4) + 32;
  const legend = legendItems(diagram);
  const legendWidth = legend.reduce((w, item) => w + 28 + r(item.text.length * 6.6) + 16, 16);
  const width = Math.max(timelineEnd, codeWidth, titleWidth, legendWidth);

  const body: string[] = [];
  let y = TITLE;
  body.push(`<text x="16" y="21" class="title">${esc(diagram.title)}</text>`);
  for (const panel of diagram.panels) {
    body.push(`<text x="16" y="${y + 18}" class="code">${esc(panel.code)}</text>`);
    const top = y + CODE;
    const bottom = top + panel.lanes.length * LANE;
    for (const d of panel.deadlines) {
      body.push(
        `<line x1="${x(d.frame)}" y1="${top + 2}" x2="${x(d.frame)}" y2="${bottom - 4}" stroke="${DEADLINE}" stroke-width="2" stroke-dasharray="5 4"/>`,
        `<text x="${x(d.frame) + 5}" y="${top + 10}" class="note" fill="${DEADLINE}">${esc(d.label)}</text>`,
      );
    }
    panel.lanes.forEach((lane, i) => body.push(...renderLane(lane, top + i * LANE + LANE / 2, x, timelineEnd)));
    y = bottom + PANEL_GAP;
  }
  // Frame ruler.
  const ruler: string[] = [`<line x1="${x(0)}" y1="${y}" x2="${x(last)}" y2="${y}" stroke="${GREY}"/>`];
  for (let f = 0; f <= last; f++) {
    ruler.push(`<line x1="${x(f)}" y1="${y - 3}" x2="${x(f)}" y2="${y + 3}" stroke="${GREY}"/>`);
    ruler.push(`<text x="${x(f)}" y="${y + 16}" class="tick">${f}</text>`);
  }
  ruler.push(`<text x="16" y="${y + 16}" class="note" fill="${GREY}">frame</text>`);
  body.push(...ruler);
  y += 34;
  // Legend of the glyphs this diagram uses.
  let lx = 16;
  for (const item of legend) {
    body.push(item.draw(lx + 10, y));
    body.push(`<text x="${lx + 26}" y="${y + 4}" class="note">${esc(item.text)}</text>`);
    lx += 28 + r(item.text.length * 6.6) + 16;
  }
  const height = y + 22;

  const desc = [
    diagram.caption,
    ...diagram.panels.flatMap((panel) => [
      '',
      panel.code,
      ...panel.lanes.map((lane) => `${lane.name.padEnd(10)} ${marbleOf(lane)}`),
    ]),
  ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title desc">`,
    `<title id="title">${esc(diagram.title)}</title>`,
    `<desc id="desc">${esc(desc)}</desc>`,
    `<style>`,
    `text { font-family: ${FONT}; font-size: 12px; fill: #1f2328; }`,
    `.title { font-size: 14px; font-weight: bold; }`,
    `.code { font-size: 12px; fill: #57606a; }`,
    `.lane { font-size: 13px; }`,
    `.out { font-size: 13px; font-weight: bold; }`,
    `.value { font-size: 12px; text-anchor: middle; dominant-baseline: central; }`,
    `.tick { font-size: 10px; fill: #8c959f; text-anchor: middle; }`,
    `.note { font-size: 11px; }`,
    `</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}

function renderLane(lane: Lane, cy: number, x: (f: number) => number, end: number): string[] {
  const out: string[] = [];
  const stroke = lane.output ? PALETTE[0] : PALETTE[lane.color % PALETTE.length];
  out.push(
    `<text x="16" y="${cy + 4}" class="${lane.output ? 'out' : 'lane'}" fill="${stroke}">${esc(lane.name)}</text>`,
  );
  const start = lane.output ? 0 : lane.marks.find((m) => m.kind === 'subscribe')?.frame;
  const stop = lane.marks.find((m) => m.kind === 'complete' || m.kind === 'error' || m.kind === 'unsubscribe');
  if (start === undefined) {
    out.push(dashed(x(0), end - 12, cy));
    out.push(`<text x="${end - 8}" y="${cy + 4}" class="note" fill="${GREY}" text-anchor="end">never started</text>`);
    return out;
  }
  if (start > 0) out.push(dashed(x(0), x(start), cy));
  const lineEnd = stop ? x(stop.frame) : end - 12;
  out.push(
    `<line x1="${x(start)}" y1="${cy}" x2="${lineEnd}" y2="${cy}" stroke="${stroke}" stroke-width="${lane.output ? 2.5 : 1.5}"/>`,
  );
  if (!lane.output) {
    out.push(`<line x1="${x(start)}" y1="${cy - 6}" x2="${x(start)}" y2="${cy + 6}" stroke="${stroke}"/>`);
  }
  for (const limit of lane.limits) {
    out.push(
      `<line x1="${x(limit)}" y1="${cy - 12}" x2="${x(limit)}" y2="${cy + 12}" stroke="${DEADLINE}" stroke-width="2" stroke-dasharray="3 3"/>`,
    );
  }
  // Marks of one frame sit side by side, the first centred on the frame.
  const frames = [...new Set(lane.marks.map((m) => m.frame))].sort((a, b) => a - b);
  for (const frame of frames) {
    let cursor = x(frame);
    let firstMark = true;
    for (const mark of lane.marks.filter((m) => m.frame === frame)) {
      if (mark.kind === 'next') {
        const w = Math.max(24, r(mark.text.length * CHAR) + 14);
        const left = firstMark ? cursor - w / 2 : cursor + 3;
        const color = PALETTE[mark.color % PALETTE.length];
        const border = mark.rejected ? RED : color;
        const dash = mark.rejected ? ` stroke-dasharray="3 2"` : '';
        out.push(
          `<rect x="${r(left)}" y="${cy - 11}" width="${w}" height="22" rx="11" fill="#ffffff" stroke="${border}" stroke-width="2"${dash}/>`,
          `<text x="${r(left + w / 2)}" y="${cy + 1}" class="value" fill="${mark.rejected ? RED : color}">${esc(mark.text)}</text>`,
        );
        cursor = r(left + w);
        firstMark = false;
      } else if (mark.kind === 'complete') {
        const cx = firstMark ? cursor : cursor + 6;
        out.push(`<line x1="${cx}" y1="${cy - 11}" x2="${cx}" y2="${cy + 11}" stroke="${stroke}" stroke-width="2.5"/>`);
        cursor = cx;
        firstMark = false;
        if (lane.noteEnd) {
          out.push(`<text x="${cx + 12}" y="${cy + 4}" class="note" fill="${GREY}">done at frame ${mark.frame}</text>`);
        }
      } else if (mark.kind === 'error') {
        const cx = firstMark ? cursor : cursor + 10;
        out.push(errorGlyph(cx, cy));
        cursor = cx + 8;
        firstMark = false;
      } else if (mark.kind === 'unsubscribe') {
        const cx = firstMark ? cursor : cursor + 10;
        out.push(cancelGlyph(cx, cy));
        cursor = cx + 8;
        firstMark = false;
      } else if (mark.kind === 'abort') {
        out.push(`<text x="${cursor + 12}" y="${cy + 4}" class="note" fill="${GREY}">aborted</text>`);
      }
    }
  }
  return out;
}

const dashed = (x1: number, x2: number, cy: number) =>
  `<line x1="${x1}" y1="${cy}" x2="${x2}" y2="${cy}" stroke="${GREY}" stroke-width="1.5" stroke-dasharray="4 4"/>`;
const errorGlyph = (cx: number, cy: number) =>
  `<path d="M${cx - 7} ${cy - 7}L${cx + 7} ${cy + 7}M${cx + 7} ${cy - 7}L${cx - 7} ${cy + 7}" stroke="${RED}" stroke-width="3"/>`;
const cancelGlyph = (cx: number, cy: number) =>
  `<circle cx="${cx}" cy="${cy}" r="7" fill="#ffffff" stroke="${GREY}" stroke-width="2"/>` +
  `<path d="M${cx - 5} ${cy + 5}L${cx + 5} ${cy - 5}" stroke="${GREY}" stroke-width="2"/>`;

interface LegendItem {
  text: string;
  draw: (cx: number, cy: number) => string;
}

function legendItems(diagram: Diagram): LegendItem[] {
  const lanes = diagram.panels.flatMap((p) => p.lanes);
  const marks = lanes.flatMap((l) => l.marks);
  const has = (kind: Mark['kind']) => marks.some((m) => m.kind === kind);
  const items: LegendItem[] = [
    {
      text: 'result',
      draw: (cx, cy) => `<circle cx="${cx}" cy="${cy}" r="7" fill="#ffffff" stroke="${PALETTE[1]}" stroke-width="2"/>`,
    },
    {
      text: 'complete',
      draw: (cx, cy) =>
        `<line x1="${cx}" y1="${cy - 8}" x2="${cx}" y2="${cy + 8}" stroke="${PALETTE[0]}" stroke-width="2.5"/>`,
    },
  ];
  if (marks.some((m) => m.kind === 'next' && m.rejected)) {
    items.push({
      text: 'rejected record',
      draw: (cx, cy) =>
        `<circle cx="${cx}" cy="${cy}" r="7" fill="#ffffff" stroke="${RED}" stroke-width="2" stroke-dasharray="3 2"/>`,
    });
  }
  if (has('error')) items.push({ text: 'error', draw: (cx, cy) => errorGlyph(cx, cy) });
  if (has('unsubscribe')) items.push({ text: 'cancelled (unsubscribed)', draw: cancelGlyph });
  if (lanes.some((l) => !l.output && (l.marks.find((m) => m.kind === 'subscribe')?.frame ?? 1) > 0)) {
    items.push({ text: 'not started yet', draw: (cx, cy) => dashed(cx - 9, cx + 9, cy) });
  }
  if (diagram.panels.some((p) => p.deadlines.length > 0) || lanes.some((l) => l.limits.length > 0)) {
    items.push({
      text: 'deadline',
      draw: (cx, cy) =>
        `<line x1="${cx}" y1="${cy - 8}" x2="${cx}" y2="${cy + 8}" stroke="${DEADLINE}" stroke-width="2" stroke-dasharray="3 3"/>`,
    });
  }
  return items;
}

/* ---------- command line ---------- */

/** The page that shows every diagram (GitHub shows it for the folder; TypeDoc as a document). */
function indexPage(all: Diagram[]): string {
  const lines = [
    '---',
    'title: Marble diagrams',
    'group: Guides',
    '---',
    '',
    '# Marble diagrams',
    '',
    '<!-- Generated by scripts/diagrams.ts (npm run diagrams): edit the scenarios there, not this file. -->',
    '',
    'Each picture is drawn from a real `TestScheduler` run of the package: every input',
    'is wrapped to record the frames at which it was subscribed, emitted, completed,',
    'failed or was unsubscribed (and, for a factory, when its `AbortSignal` was',
    'aborted), and the output is recorded beside them. `npm run docs` regenerates them;',
    'CI fails when a committed picture no longer matches what the package does. One',
    'column is one frame of virtual time. The inputs are cold observables (or factories',
    'returning them, where a signal is aborted); a dashed line is an input that has not',
    'started yet.',
    '',
  ];
  for (const diagram of all) {
    lines.push(`## ${diagram.title}`, '', diagram.caption, '', `![${diagram.title}](${diagram.file})`, '');
    lines.push('```text');
    for (const panel of diagram.panels) {
      lines.push(`// ${panel.code}`);
      for (const lane of panel.lanes) lines.push(`${lane.name.padEnd(10)} ${marbleOf(lane)}`.trimEnd());
      if (panel !== diagram.panels[diagram.panels.length - 1]) lines.push('');
    }
    lines.push('```', '');
  }
  return lines.join('\n');
}

function writeAll(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const all = diagrams.map((make) => make());
  for (const diagram of all) writeFileSync(join(dir, diagram.file), render(diagram));
  writeFileSync(join(dir, 'README.md'), indexPage(all));
  return [...all.map((d) => d.file), 'README.md'];
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const unknown = argv.filter((a, i) => a !== '--check' && a !== '--out' && argv[i - 1] !== '--out');
  if (unknown.length > 0 || (outIndex >= 0 && !argv[outIndex + 1])) {
    console.error('usage: tsx scripts/diagrams.ts [--check] [--out DIR]');
    return 2;
  }
  if (!check) {
    const dir = outIndex >= 0 ? resolve(argv[outIndex + 1]) : OUT;
    const files = writeAll(dir);
    console.log(`diagrams: wrote ${files.length - 1} SVGs and their page to ${relative(process.cwd(), dir) || '.'}`);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'rxjs-as-completed-diagrams-'));
  try {
    const files = writeAll(tmp);
    const committed = readdirSync(OUT, { withFileTypes: true })
      .filter((e) => e.isFile() && (e.name.endsWith('.svg') || e.name === 'README.md'))
      .map((e) => e.name);
    const problems: string[] = [];
    for (const file of files) {
      if (!committed.includes(file)) problems.push(`${file}: missing from docs/diagrams`);
      else if (!readFileSync(join(tmp, file)).equals(readFileSync(join(OUT, file)))) {
        problems.push(`${file}: differs from what the package does now`);
      }
    }
    for (const file of committed) if (!files.includes(file)) problems.push(`${file}: no longer generated`);
    if (problems.length > 0) {
      for (const p of problems) console.error(`diagrams: ${p}`);
      console.error('diagrams: run `npm run diagrams` (or `npm run docs`) and commit docs/diagrams/');
      return 1;
    }
    console.log(`diagrams: the ${files.length - 1} committed SVGs and their page match a fresh TestScheduler run`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
