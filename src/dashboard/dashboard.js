// The segments dashboard: the viewer's key (session storage only), the segment list with live
// sizes, the selected segment's size over time, and the live feed of entries and exits.
/* global document, sessionStorage, setInterval, clearInterval */
import {
  describeFailure,
  failureCode,
  FORBIDDEN_CLOSE,
  openSocket,
  request,
  subscribe,
} from './api.js';
import { drawChart, RANGE_MS, withLivePoint } from './chart.js';
import { FeedView } from './feed.js';
import {
  MEMBERSHIP_CHANGED,
  RECENT_CHANGES,
  SEGMENT,
  SEGMENTS,
  SIZE_CHANGED,
  sizeHistory,
} from './operations.js';
import { SegmentsView } from './segments-view.js';

const KEY_STORAGE = 'c360.dashboard.apiKey';
/** Changes read per segment for the feed's history. */
const HISTORY_PER_SEGMENT = 10;
/** How often the list is read again: new empty segments and status changes send no event. */
const LIST_REFRESH_MS = 30_000;
/** How often the chart moves its right edge to now. */
const CHART_TICK_MS = 15_000;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('key-form'),
  keyInput: $('api-key'),
  disconnect: $('disconnect'),
  status: $('status'),
  error: $('error'),
  board: $('board'),
  bucket: $('bucket'),
  chart: $('chart'),
  chartHeading: $('chart-heading'),
  chartCaption: $('chart-caption'),
  chartRows: $('chart-rows'),
};
const segmentsView = new SegmentsView($('segment-rows'), $('no-segments'), (id) => select(id));
const feed = new FeedView($('feed'), $('no-changes'));

/** Everything one connection holds; replaced whole on connect, dropped on disconnect. */
let session = null;

function newSession(key) {
  return {
    key,
    client: null,
    timers: [],
    segments: new Map(),
    /** When each segment's shown size was measured (ms), so an older answer cannot undo it. */
    sizeAt: new Map(),
    /** Bumped by each live size; a list read during which it moved keeps the live sizes. */
    liveSizes: 0,
    fetching: new Set(),
    selectedId: null,
    bucket: ui.bucket.value,
    history: [],
    /** Live sizes of the selected segment that arrived while its history was being read. */
    pendingPoints: null,
    historyRequest: 0,
    /** The cursor of the newest change shown: a resumed subscription continues after it. */
    lastCursor: null,
    stopChanges: null,
    /** Once connected, a later connection attempt is a reconnection. */
    wasLive: false,
    closed: false,
  };
}

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function showError(message) {
  ui.error.textContent = message;
  ui.error.hidden = message === null;
}

async function connect(key) {
  disconnect({ keepKey: true });
  const current = newSession(key);
  session = current;
  setStatus('connecting', 'Connecting…');
  showError(null);
  let segments;
  try {
    ({ segments } = await request(key, SEGMENTS));
  } catch (error) {
    if (session !== current) {
      return;
    }
    const refused = error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN';
    if (refused) {
      sessionStorage.removeItem(KEY_STORAGE);
    }
    session = null;
    setStatus('failed', 'Not connected');
    showError(
      refused
        ? `The gateway refused this key: ${error.message}`
        : `Could not reach the gateway: ${error.message}`,
    );
    return;
  }
  if (session !== current) {
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  ui.keyInput.value = '';
  ui.form.hidden = true;
  ui.disconnect.hidden = false;
  ui.board.hidden = false;
  applyList(segments, current.liveSizes);
  segmentsView.noteIfEmpty();
  if (current.selectedId === null && segments.length > 0) {
    select(segmentsView.rows.keys().next().value);
  }

  current.client = openSocket(key, {
    connecting: () => {
      if (!current.closed) {
        setStatus(
          current.wasLive ? 'reconnecting' : 'connecting',
          current.wasLive ? 'Reconnecting…' : 'Connecting…',
        );
      }
    },
    connected: (wasRetry) => {
      current.wasLive = true;
      setStatus('live', 'Live');
      // Sizes have no resume cursor: read them again once their subscription is (again) sent,
      // closing the gap since the last read.
      void refreshList(current);
      if (wasRetry) {
        void loadHistory(current);
      }
    },
    closed: (event) => {
      if (!current.closed) {
        setStatus(
          event?.code === FORBIDDEN_CLOSE ? 'failed' : 'reconnecting',
          event?.code === FORBIDDEN_CLOSE ? 'Key refused' : 'Reconnecting…',
        );
      }
    },
    failed: (error) => fail(current, error),
  });
  subscribe(current.client, SIZE_CHANGED, () => ({}), {
    next: (result) => {
      reportErrors(result);
      const change = result.data?.segmentSizeChanged;
      if (change) {
        applySize(current, change.segmentId, change.size, change.at);
      }
    },
    error: (error) => fail(current, error),
    complete: () => undefined,
  });
  current.timers.push(
    setInterval(() => void refreshList(current), LIST_REFRESH_MS),
    setInterval(() => redraw(current), CHART_TICK_MS),
  );
  await loadRecentChanges(current);
  followChanges(current);
}

function disconnect({ keepKey = false } = {}) {
  if (!keepKey) {
    sessionStorage.removeItem(KEY_STORAGE);
  }
  if (session !== null) {
    session.closed = true;
    session.timers.forEach((timer) => clearInterval(timer));
    session.stopChanges?.();
    void session.client?.dispose();
    session = null;
  }
  segmentsView.clear();
  feed.clear();
  ui.chart.replaceChildren();
  ui.chartRows.replaceChildren();
  ui.chartHeading.textContent = 'Size over time';
  ui.chartCaption.textContent = 'Choose a segment.';
  ui.board.hidden = true;
  ui.form.hidden = false;
  ui.disconnect.hidden = true;
  setStatus('idle', 'Not connected');
}

/** A failure that ends the connection (a refused key, a fatal close). */
function fail(current, error) {
  if (current.closed) {
    return;
  }
  const refused = failureCode(error) === `close:${FORBIDDEN_CLOSE}`;
  disconnect({ keepKey: !refused });
  showError(
    refused
      ? 'The gateway refused this key; enter a valid one.'
      : `Live updates stopped: ${describeFailure(error)}`,
  );
}

function reportErrors(result) {
  if (result.errors?.length > 0) {
    showError(describeFailure(result.errors));
  }
}

// --- segments and sizes

function applyList(segments, liveSizesBefore) {
  for (const segment of segments) {
    const known = session.segments.get(segment.id);
    // A live size that arrived while the list was read is newer than the list's.
    const keepLive = known !== undefined && session.liveSizes !== liveSizesBefore;
    showSegment(keepLive ? { ...segment, size: known.size } : segment);
  }
}

function showSegment(segment) {
  session.segments.set(segment.id, segment);
  segmentsView.show(segment);
  if (segment.id === session.selectedId) {
    ui.chartHeading.textContent = `Size over time: ${segment.name}`;
  }
}

async function refreshList(current) {
  const before = current.liveSizes;
  try {
    const { segments } = await request(current.key, SEGMENTS);
    if (session === current) {
      applyList(segments, before);
      segmentsView.noteIfEmpty();
      if (current.selectedId === null && segments.length > 0) {
        select(segmentsView.rows.keys().next().value);
      }
    }
  } catch (error) {
    if (session === current) {
      showError(`Could not read the segments: ${error.message}`);
    }
  }
}

function applySize(current, segmentId, size, at) {
  if (session !== current) {
    return;
  }
  const time = new Date(at).getTime();
  if ((current.sizeAt.get(segmentId) ?? -Infinity) > time) {
    return;
  }
  current.sizeAt.set(segmentId, time);
  current.liveSizes += 1;
  const known = current.segments.get(segmentId);
  if (known === undefined) {
    void fetchSegment(current, segmentId);
  } else {
    showSegment({ ...known, size });
  }
  if (segmentId === current.selectedId) {
    const point = { at: new Date(at), size };
    if (current.pendingPoints !== null) {
      current.pendingPoints.push(point);
    }
    current.history = withLivePoint(current.history, point, current.bucket);
    redraw(current);
  }
}

/** A segment the page has not listed yet (defined since): read it once and show it. */
async function fetchSegment(current, id) {
  if (current.fetching.has(id)) {
    return;
  }
  current.fetching.add(id);
  try {
    const { segment } = await request(current.key, SEGMENT, { id });
    if (session === current && segment !== null) {
      showSegment(segment);
      if (current.selectedId === null) {
        select(id);
      }
    }
  } catch (error) {
    if (session === current) {
      showError(`Could not read a new segment: ${error.message}`);
    }
  } finally {
    current.fetching.delete(id);
  }
}

// --- the chart

function select(id) {
  const current = session;
  if (current === null) {
    return;
  }
  current.selectedId = id;
  segmentsView.select(id);
  const segment = current.segments.get(id);
  ui.chartHeading.textContent = `Size over time: ${segment?.name ?? ''}`;
  void loadHistory(current);
}

async function loadHistory(current) {
  const id = current.selectedId;
  if (id === null) {
    return;
  }
  const bucket = current.bucket;
  const token = ++current.historyRequest;
  current.pendingPoints = [];
  try {
    const since = new Date(Date.now() - RANGE_MS[bucket]);
    const { segment } = await request(current.key, sizeHistory(since), { id, bucket });
    if (session !== current || token !== current.historyRequest) {
      return;
    }
    let points = (segment?.sizeHistory ?? []).map((point) => ({
      at: new Date(point.at),
      size: point.size,
    }));
    for (const point of current.pendingPoints) {
      points = withLivePoint(points, point, bucket);
    }
    current.pendingPoints = null;
    current.history = points;
    redraw(current);
  } catch (error) {
    if (session === current && token === current.historyRequest) {
      current.pendingPoints = null;
      showError(`Could not read the size history: ${error.message}`);
    }
  }
}

function redraw(current) {
  if (session !== current || current.selectedId === null) {
    return;
  }
  const segment = current.segments.get(current.selectedId);
  drawChart({
    container: ui.chart,
    caption: ui.chartCaption,
    rows: ui.chartRows,
    points:
      segment === undefined
        ? current.history
        : withKnownStart(current.history, segment, current.bucket),
    bucket: current.bucket,
    name: segment?.name ?? 'this segment',
  });
}

/**
 * History lists only periods with changes. A segment starts empty, so one defined within the
 * range starts at 0 when it was defined; with no change in the range, the size held all along
 * at what it is now.
 */
function withKnownStart(history, segment, bucket) {
  const start = Date.now() - RANGE_MS[bucket];
  const created = Date.parse(segment.createdAt);
  if (history.length === 0) {
    return [{ at: new Date(Math.max(start, created)), size: segment.size }];
  }
  if (created >= start && history[0].at.getTime() > created) {
    return [{ at: new Date(created), size: 0 }, ...history];
  }
  return history;
}

// --- the feed

/** The newest changes of every segment, shown before the live ones. */
async function loadRecentChanges(current) {
  try {
    const { segments } = await request(current.key, RECENT_CHANGES, {
      first: HISTORY_PER_SEGMENT,
    });
    if (session !== current) {
      return;
    }
    const changes = segments
      .flatMap((segment) => segment.changes.edges.map((edge) => edge.node))
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    feed.appendHistory(changes);
    // Resuming after the newest shown: a change committed since is replayed, one shown twice
    // is dropped by its cursor.
    current.lastCursor = changes[0]?.cursor ?? null;
  } catch (error) {
    if (session === current) {
      showError(`Could not read the recent changes: ${error.message}`);
    }
  }
}

/**
 * Follows every segment's entries and exits. After a reconnect graphql-ws sends this
 * subscription again, with `afterCursor` read then: the last change shown.
 */
function followChanges(current) {
  if (session !== current) {
    return;
  }
  current.stopChanges = subscribe(
    current.client,
    MEMBERSHIP_CHANGED,
    () => ({ afterCursor: current.lastCursor }),
    {
      next: (result) => {
        reportErrors(result);
        const change = result.data?.segmentMembershipChanged;
        if (!change || session !== current) {
          return;
        }
        current.lastCursor = change.cursor;
        feed.prepend(change);
        applySize(current, change.segmentId, change.sizeAfter, change.at);
      },
      error: (error) => {
        switch (failureCode(error)) {
          case 'SUBSCRIBER_TOO_SLOW':
            // The server ended it after falling behind; the cursor picks up where it stopped.
            followChanges(current);
            return;
          case 'CURSOR_EXPIRED':
            // The changes after our cursor are gone: start over from the current state.
            feed.clear();
            current.lastCursor = null;
            void loadRecentChanges(current).then(() => followChanges(current));
            return;
          default:
            fail(current, error);
        }
      },
      complete: () => undefined,
    },
  );
}

// --- page wiring

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.keyInput.value.trim();
  if (key !== '') {
    void connect(key);
  }
});
ui.disconnect.addEventListener('click', () => {
  disconnect();
  ui.keyInput.focus();
});
ui.bucket.addEventListener('change', () => {
  if (session !== null) {
    session.bucket = ui.bucket.value;
    session.history = [];
    void loadHistory(session);
  }
});

// Back from another tab (where a segment may just have been defined, with no member yet to
// announce it): the list is read again at once rather than at the next refresh.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session !== null) {
    void refreshList(session);
  }
});

const savedKey = sessionStorage.getItem(KEY_STORAGE);
if (savedKey !== null) {
  void connect(savedKey);
}
