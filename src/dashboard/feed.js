// The feed of entries and exits, newest first. Each change is shown once, keyed by its cursor:
// a replay after a reconnect may send again what the page already shows.
import { el } from './dom.js';
import { formatCount, formatFull, formatWhen } from './format.js';

/** Older changes are dropped past this many, so a busy segment cannot grow the page forever. */
const MAX_ITEMS = 200;

export class FeedView {
  constructor(list, emptyNote) {
    this.list = list;
    this.emptyNote = emptyNote;
    this.shown = new Set();
  }

  /** Whether the change with this cursor is on the page. */
  has(cursor) {
    return this.shown.has(cursor);
  }

  /** Shows a live change at the top; false when it was shown already. */
  prepend(change) {
    if (this.shown.has(change.cursor)) {
      return false;
    }
    this.list.prepend(this.item(change));
    this.trim();
    return true;
  }

  /** Shows changes read from history, newest first, below what is shown. */
  appendHistory(changes) {
    for (const change of changes) {
      if (!this.shown.has(change.cursor)) {
        this.list.append(this.item(change));
      }
    }
    this.trim();
  }

  clear() {
    this.shown.clear();
    this.list.replaceChildren();
    this.emptyNote.hidden = false;
  }

  item(change) {
    this.shown.add(change.cursor);
    this.emptyNote.hidden = true;
    const entered = change.change === 'ENTERED';
    const at = new Date(change.at);
    const who = change.customer?.displayName || change.customerId;
    const segment = change.segment?.name ?? change.segmentId;
    const conditions = change.reason?.conditions ?? [];
    return el(
      'li',
      {
        class: `change change--${entered ? 'entered' : 'exited'}`,
        'data-cursor': change.cursor,
        'data-segment-id': change.segmentId,
        'data-customer-id': change.customerId,
      },
      [
        el('span', { class: 'change__badge', text: entered ? 'Entered' : 'Exited' }),
        el('span', { class: 'change__what' }, [
          el('strong', { text: who }),
          ` ${entered ? 'entered' : 'left'} `,
          el('strong', { text: segment }),
          ` · size ${formatCount(change.sizeAfter)}`,
        ]),
        el('time', {
          class: 'change__time',
          datetime: at.toISOString(),
          title: formatFull(at),
          text: formatWhen(at),
        }),
        change.reason?.summary
          ? el('p', { class: 'change__reason', text: change.reason.summary })
          : null,
        conditions.length > 0
          ? el('details', { class: 'change__conditions' }, [
              el('summary', { text: 'Why' }),
              el(
                'ul',
                {},
                conditions.map((condition) =>
                  el('li', { text: `${condition.description}: ${transition(condition)}` }),
                ),
              ),
            ])
          : null,
      ],
    );
  }

  trim() {
    while (this.list.children.length > MAX_ITEMS) {
      const last = this.list.lastElementChild;
      this.shown.delete(last.dataset.cursor);
      last.remove();
    }
  }
}

/** "met → not met"; only the new value when the old one is not known (`was` is null). */
function transition({ was, now }) {
  const verdict = (value) => (value ? 'met' : 'not met');
  return was === null || was === undefined
    ? `now ${verdict(now)}`
    : `${verdict(was)} → ${verdict(now)}`;
}
