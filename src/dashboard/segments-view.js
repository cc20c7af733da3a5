// The segments table: one row per segment, updated in place so a live size change neither
// moves the viewer's focus nor rebuilds the table.
import { el } from './dom.js';
import { formatCount } from './format.js';

const STATUS_LABELS = { READY: 'Ready', BUILDING: 'Building' };

export class SegmentsView {
  /** `onSelect(id)` runs when the viewer chooses a segment. */
  constructor(tbody, emptyNote, onSelect) {
    this.tbody = tbody;
    this.emptyNote = emptyNote;
    this.onSelect = onSelect;
    this.rows = new Map();
  }

  /** Adds or updates the row of `segment`, keeping rows ordered by name. */
  show(segment) {
    let row = this.rows.get(segment.id);
    if (row === undefined) {
      row = this.createRow(segment);
      this.rows.set(segment.id, row);
      const after = [...this.rows.values()].find(
        (other) => other !== row && other.name.localeCompare(segment.name) > 0,
      );
      this.tbody.insertBefore(row.tr, after?.tr ?? null);
    }
    row.name = segment.name;
    row.button.textContent = segment.name;
    row.key.textContent = segment.key;
    row.tr.title = segment.description ?? '';
    row.status.textContent = STATUS_LABELS[segment.status] ?? segment.status;
    row.status.className = `pill pill--${String(segment.status).toLowerCase()}`;
    const size = formatCount(segment.size);
    if (row.size.textContent !== size) {
      const changed = row.size.textContent !== '';
      row.size.textContent = size;
      if (changed) {
        // Restarting a CSS animation needs a style flush between removing and adding it.
        row.size.classList.remove('size--changed');
        void row.size.offsetWidth;
        row.size.classList.add('size--changed');
      }
    }
    this.emptyNote.hidden = true;
  }

  select(id) {
    for (const [rowId, row] of this.rows) {
      if (rowId === id) {
        row.tr.setAttribute('aria-current', 'true');
        row.button.setAttribute('aria-pressed', 'true');
      } else {
        row.tr.removeAttribute('aria-current');
        row.button.setAttribute('aria-pressed', 'false');
      }
    }
  }

  /** Empties the table (on disconnect). */
  clear() {
    this.rows.clear();
    this.tbody.replaceChildren();
    this.emptyNote.hidden = true;
  }

  /** Says "no segments" when the list came back empty. */
  noteIfEmpty() {
    this.emptyNote.hidden = this.rows.size > 0;
  }

  createRow(segment) {
    const button = el('button', {
      type: 'button',
      class: 'segment-button',
      'aria-pressed': 'false',
    });
    button.addEventListener('click', () => this.onSelect(segment.id));
    const key = el('span', { class: 'segment-key' });
    const status = el('span');
    const size = el('span', { class: 'size' });
    const tr = el('tr', { 'data-segment-id': segment.id, 'data-segment-key': segment.key }, [
      el('td', {}, [button, key]),
      el('td', {}, [status]),
      el('td', { class: 'numeric' }, [size]),
    ]);
    return { tr, button, key, status, size, name: segment.name };
  }
}
