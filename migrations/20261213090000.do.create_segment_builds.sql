-- How far each full segment evaluation has come, where every instance reads it: a build runs
-- on one instance, and a client polling `segment { evaluation }` may reach another. One row
-- per segment (the newest version being built), removed when its build ends; a row left by an
-- instance that died stops being shown once it has not moved for two minutes. No foreign key:
-- a build of a segment deleted meanwhile must not fail on its progress.
CREATE TABLE segment_builds (
  segment_id uuid PRIMARY KEY,
  version integer NOT NULL,
  evaluated integer NOT NULL,
  total integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
