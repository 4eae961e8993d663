import type { Query, SqlDriver } from "./sql-driver.js";

// Versioned, forward-only migrations. Each runs once per schema, recorded in
// <schema>.migrations; a new version is appended here, never edited in place.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

export interface SchemaNames {
  /** Quoted schema identifier, ready to interpolate. */
  schema: string;
  /** NOTIFY channel that wakes subscribers after a commit. */
  channel: string;
}

export function schemaNames(schema: string): SchemaNames {
  // Names are interpolated into SQL and a LISTEN channel: accept plain identifiers only.
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`invalid schema name ${JSON.stringify(schema)}`);
  return { schema: `"${schema}"`, channel: `${schema}_appended` };
}

interface Migration {
  version: number;
  name: string;
  statements: (n: SchemaNames) => string[];
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "streams, events, append_events",
    statements: ({ schema: s, channel }) => [
      `CREATE TABLE ${s}.streams (
         stream_name text PRIMARY KEY,
         -- revision of the stream's last event; -1 only inside an append's transaction
         revision bigint NOT NULL
       )`,
      // Global order is (transaction_id, position). position alone is not safe to read by:
      // identities are drawn before commit, so a reader could pass a gap that a slower
      // transaction fills later. Readers take only transaction_id < snapshot xmin (every
      // such transaction has ended), the approach Emmett proved.
      `CREATE TABLE ${s}.events (
         transaction_id xid8 NOT NULL,
         position bigint GENERATED ALWAYS AS IDENTITY,
         stream_name text NOT NULL,
         revision bigint NOT NULL,
         event_id uuid NOT NULL,
         event_type text NOT NULL,
         content_type text NOT NULL,
         data bytea NOT NULL,
         metadata jsonb NOT NULL DEFAULT '{}',
         recorded_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (transaction_id, position),
         UNIQUE (stream_name, revision),
         UNIQUE (stream_name, event_id)
       )`,
      appendEventsFunction(s, channel),
    ],
  },
];

/** Creates or upgrades the schema; safe to run from many processes at once. */
export async function migrate(driver: SqlDriver, names: SchemaNames): Promise<void> {
  const s = names.schema;
  await driver.transaction(async (query: Query) => {
    // Serialises concurrent starters: one migrates, the others then find nothing to do.
    await query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`flick.event-store:${s}`]);
    await query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (
         version int PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = new Set((await query(`SELECT version FROM ${s}.migrations`)).map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      for (const statement of m.statements(names)) await query(statement);
      await query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
  });
}

/**
 * Appends a whole group in one statement (one round trip, one transaction). Input: a JSON
 * array of {stream, expected, events: [{id, type, contentType, data (base64), metadata}]}.
 * Output: one row per append, in input order: 'appended' (new revision and checkpoint),
 * 'duplicate' (every id already in the stream: the original revision and checkpoint) or
 * 'conflict' (actual revision, -1 when the stream does not exist). A conflict skips only
 * that append; nothing is raised, so no subtransactions are needed.
 */
function appendEventsFunction(s: string, channel: string): string {
  return `CREATE OR REPLACE FUNCTION ${s}.append_events(p_appends jsonb)
RETURNS TABLE (append_index int, outcome text, stream_revision bigint, commit_xid text, last_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_names text[];
  v_current jsonb;
  v_append record;
  v_stream text;
  v_revision bigint;
  v_expected text;
  v_ids uuid[];
  v_found int;
  v_found_revision bigint;
  v_last bigint;
  v_appended boolean := false;
BEGIN
  SELECT array_agg(DISTINCT a->>'stream' ORDER BY a->>'stream') INTO v_names
  FROM jsonb_array_elements(p_appends) AS a;

  -- Lock every stream of the group in one statement, in name order, so that concurrent
  -- groups cannot deadlock. A missing stream gets a placeholder row (-1) that is locked
  -- the same way; placeholders left unused are deleted before commit.
  WITH locked AS (
    INSERT INTO ${s}.streams AS st (stream_name, revision)
    SELECT n, -1 FROM unnest(v_names) AS n ORDER BY n
    ON CONFLICT (stream_name) DO UPDATE SET revision = st.revision
    RETURNING st.stream_name, st.revision
  )
  SELECT jsonb_object_agg(l.stream_name, l.revision) INTO v_current FROM locked AS l;

  FOR v_append IN
    SELECT a.value AS body, a.ordinality::int AS idx
    FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a
  LOOP
    v_stream := v_append.body->>'stream';
    v_revision := (v_current->>v_stream)::bigint;
    v_ids := ARRAY(SELECT (e->>'id')::uuid FROM jsonb_array_elements(v_append.body->'events') AS e);

    -- Exact idempotency: a retry carries ids already stored in this stream.
    IF v_revision >= 0 THEN
      SELECT count(*), max(e.revision) INTO v_found, v_found_revision
      FROM ${s}.events AS e WHERE e.stream_name = v_stream AND e.event_id = ANY (v_ids);
      IF v_found = cardinality(v_ids) THEN
        RETURN QUERY
          SELECT v_append.idx, 'duplicate'::text, e.revision, e.transaction_id::text, e.position::text
          FROM ${s}.events AS e WHERE e.stream_name = v_stream AND e.revision = v_found_revision;
        CONTINUE;
      ELSIF v_found > 0 THEN
        -- Some ids but not all: not a retry of one earlier append, so refuse it.
        RETURN QUERY SELECT v_append.idx, 'conflict'::text, v_revision, NULL::text, NULL::text;
        CONTINUE;
      END IF;
    END IF;

    v_expected := v_append.body->>'expected';
    IF NOT (CASE v_expected
              WHEN 'any' THEN true
              WHEN 'no_stream' THEN v_revision = -1
              WHEN 'exists' THEN v_revision >= 0
              ELSE v_revision = v_expected::bigint
            END) THEN
      RETURN QUERY SELECT v_append.idx, 'conflict'::text, v_revision, NULL::text, NULL::text;
      CONTINUE;
    END IF;

    WITH inserted AS (
      INSERT INTO ${s}.events
        (transaction_id, stream_name, revision, event_id, event_type, content_type, data, metadata)
      SELECT pg_current_xact_id(), v_stream, v_revision + e.ord, (e.body->>'id')::uuid,
             e.body->>'type', e.body->>'contentType', decode(e.body->>'data', 'base64'),
             coalesce(e.body->'metadata', '{}'::jsonb)
      FROM jsonb_array_elements(v_append.body->'events') WITH ORDINALITY AS e(body, ord)
      ORDER BY e.ord
      RETURNING position
    )
    SELECT max(i.position) INTO v_last FROM inserted AS i;

    v_revision := v_revision + cardinality(v_ids);
    v_current := jsonb_set(v_current, ARRAY[v_stream], to_jsonb(v_revision));
    -- A primary-key update per append: a join against the whole group was planned as a
    -- sequential scan of streams where statistics are missing (PGlite never analyzes).
    UPDATE ${s}.streams AS st SET revision = v_revision WHERE st.stream_name = v_stream;
    v_appended := true;
    RETURN QUERY SELECT v_append.idx, 'appended'::text, v_revision, pg_current_xact_id()::text, v_last::text;
  END LOOP;

  -- Placeholders of streams whose every append failed: those streams still do not exist.
  DELETE FROM ${s}.streams AS st WHERE st.stream_name = ANY (v_names) AND st.revision = -1;

  -- Delivered at commit; wakes subscribers in other processes.
  IF v_appended THEN
    PERFORM pg_notify('${channel}', '');
  END IF;
END
$fn$`;
}
