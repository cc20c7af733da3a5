-- Each stream of the change feed is now appended under its own lock and read on its own
-- (ChangeFeedStore.append): an instance whose subscribers follow only segments reads only the
-- segment stream after its position, and a stream's head is one index probe.
CREATE INDEX change_feed_stream_cursor_idx ON change_feed (stream, cursor);
