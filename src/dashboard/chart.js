// The size-over-time chart, drawn as SVG by hand: a segment's size holds until it changes, so
// the line is a step line running from the window's start to now.
import { el, svg } from './dom.js';
import { formatCount, formatFull, formatTick } from './format.js';

/** How far back each bucket looks. */
export const RANGE_MS = {
  MINUTE: 60 * 60 * 1000,
  HOUR: 48 * 60 * 60 * 1000,
  DAY: 30 * 24 * 60 * 60 * 1000,
};

const BUCKET_MS = { MINUTE: 60 * 1000, HOUR: 60 * 60 * 1000, DAY: 24 * 60 * 60 * 1000 };

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 16, bottom: 28, left: 48 };

/** The start of the (UTC) bucket `date` falls in. */
export function bucketStart(date, bucket) {
  const size = BUCKET_MS[bucket];
  return Math.floor(date.getTime() / size) * size;
}

/**
 * Folds a live size into the points: it replaces the last point when both fall in one bucket
 * and is added after it otherwise. Points are `{ at: Date, size }`, oldest first.
 */
export function withLivePoint(points, point, bucket) {
  const last = points[points.length - 1];
  if (last !== undefined && point.at < last.at) {
    return points;
  }
  if (last !== undefined && bucketStart(last.at, bucket) === bucketStart(point.at, bucket)) {
    return [...points.slice(0, -1), { at: last.at, size: point.size }];
  }
  return [...points, point];
}

/**
 * Draws `points` into `container` (replacing what was there) and lists them in `rows`.
 * `name` names the segment for the chart's text alternative.
 */
export function drawChart({ container, caption, rows, points, bucket, name, now = new Date() }) {
  const end = now.getTime();
  const start = end - RANGE_MS[bucket];
  const visible = pointsInWindow(points, start);
  rows.replaceChildren(
    ...visible.map((point) =>
      el('tr', {}, [
        el('td', { text: formatFull(point.at) }),
        el('td', { class: 'numeric', text: formatCount(point.size) }),
      ]),
    ),
  );
  if (visible.length === 0) {
    container.replaceChildren();
    caption.textContent = `${name}: no sizes recorded in this range yet.`;
    return;
  }
  const maxSize = Math.max(...visible.map((point) => point.size));
  const yTicks = ticks(maxSize);
  const yMax = yTicks[yTicks.length - 1];
  const x = (time) =>
    MARGIN.left + ((time - start) / (end - start)) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (size) =>
    HEIGHT - MARGIN.bottom - (size / yMax) * (HEIGHT - MARGIN.top - MARGIN.bottom);

  const firstX = x(Math.max(start, visible[0].at.getTime()));
  let line = `M${firstX.toFixed(1)},${y(visible[0].size).toFixed(1)}`;
  for (const point of visible.slice(1)) {
    line += `H${x(point.at.getTime()).toFixed(1)}V${y(point.size).toFixed(1)}`;
  }
  line += `H${x(end).toFixed(1)}`;
  const baseline = y(0).toFixed(1);
  const area = `${line}V${baseline}H${firstX.toFixed(1)}Z`;
  const last = visible[visible.length - 1];
  const summary = `${name}: ${formatCount(visible[0].size)} at ${formatFull(visible[0].at)}, ${formatCount(last.size)} now; highest ${formatCount(maxSize)}.`;

  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': 'chart-svg-title chart-svg-desc',
    },
    [
      svg('title', { id: 'chart-svg-title', text: `Size of ${name} over time` }),
      svg('desc', { id: 'chart-svg-desc', text: summary }),
      ...yTicks.flatMap((tick) => [
        svg('line', {
          class: 'chart__grid',
          x1: MARGIN.left,
          x2: WIDTH - MARGIN.right,
          y1: y(tick),
          y2: y(tick),
        }),
        svg('text', {
          class: 'chart__axis-label',
          x: MARGIN.left - 8,
          y: y(tick) + 4,
          'text-anchor': 'end',
          text: formatCount(tick),
        }),
      ]),
      ...timeTicks(start, end).map((time) =>
        svg('text', {
          class: 'chart__axis-label',
          x: x(time),
          y: HEIGHT - 8,
          'text-anchor': 'middle',
          text: formatTick(new Date(time), bucket),
        }),
      ),
      svg('path', { class: 'chart__area', d: area }),
      svg('path', { class: 'chart__line', d: line }),
      svg('circle', { class: 'chart__now', cx: x(end), cy: y(last.size), r: 4 }),
    ],
  );
  container.replaceChildren(chart);
  caption.textContent = summary;
}

/** The points inside the window, the last one before it moved to its start (its size held). */
function pointsInWindow(points, start) {
  const inside = points.filter((point) => point.at.getTime() >= start);
  const before = points.filter((point) => point.at.getTime() < start).pop();
  return before === undefined ? inside : [{ at: new Date(start), size: before.size }, ...inside];
}

/** 0 up to a round number at or above `max`, in at most five round steps. */
function ticks(max) {
  if (max <= 0) {
    return [0, 1];
  }
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  const wholeStep = Math.max(1, step);
  const top = Math.ceil(max / wholeStep) * wholeStep;
  const result = [];
  for (let value = 0; value <= top; value += wholeStep) {
    result.push(value);
  }
  return result;
}

/** Five evenly spaced label times across the window, ends excluded. */
function timeTicks(start, end) {
  return [1, 2, 3, 4, 5].map((i) => start + ((end - start) * i) / 6);
}
