// How numbers and times read on the page, in the viewer's own locale and time zone.

const count = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const shortClock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const formatCount = (n) => count.format(n);

/** A time of today as a clock time; an older one with its date. */
export function formatWhen(date, now = new Date()) {
  return date.toDateString() === now.toDateString() ? clock.format(date) : dayAndTime.format(date);
}

/** A chart axis label: clock time for minute and hour buckets, the date for days. */
export function formatTick(date, bucket) {
  return bucket === 'DAY' ? day.format(date) : shortClock.format(date);
}

export const formatFull = (date) => dayAndTime.format(date);
