/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction; the applied
 * version is kept in SQLite's user_version. Append new migrations; never edit a released one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tenancy, agents, telemetry, rules, alerts, scripts, jobs',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE sites (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE enrollment_tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        expires_at INTEGER,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        FOREIGN KEY (tenant_id, site_id) REFERENCES sites(tenant_id, id)
      );
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        hostname TEXT NOT NULL,
        os_platform TEXT NOT NULL,
        os_distro TEXT NOT NULL,
        os_release TEXT NOT NULL,
        os_arch TEXT NOT NULL,
        agent_version TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        public_key TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_sources TEXT,
        last_sections TEXT,
        revoked_at INTEGER,
        FOREIGN KEY (tenant_id, site_id) REFERENCES sites(tenant_id, id)
      );
      CREATE INDEX agents_by_tenant ON agents(tenant_id, site_id);
      -- One row per stored frame, its samples kept together. The primary key makes a resent frame
      -- a no-op; keeping samples in the frame row (rather than one indexed row per sample) keeps the
      -- set of B-tree pages that ingest touches to about one per agent, which is what lets SQLite
      -- sustain thousands of frames per second once the database outgrows its cache.
      CREATE TABLE frames (
        agent_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        samples TEXT NOT NULL,
        PRIMARY KEY (agent_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX frames_by_time ON frames(agent_id, ts);
      CREATE TABLE scripts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        shell TEXT NOT NULL,
        body TEXT NOT NULL,
        args TEXT NOT NULL,
        env TEXT NOT NULL,
        timeout_sec INTEGER NOT NULL,
        os TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE runbooks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        script_id TEXT NOT NULL REFERENCES scripts(id),
        args TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        metric TEXT NOT NULL,
        labels TEXT NOT NULL,
        op TEXT NOT NULL,
        threshold REAL NOT NULL,
        clear_threshold REAL,
        for_samples INTEGER NOT NULL,
        priority TEXT NOT NULL,
        scope TEXT NOT NULL,
        runbook_id TEXT REFERENCES runbooks(id),
        enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        series_key TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        hostname TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        labels TEXT NOT NULL,
        op TEXT NOT NULL,
        threshold REAL NOT NULL,
        priority TEXT NOT NULL,
        state TEXT NOT NULL,
        open_value REAL NOT NULL,
        value REAL NOT NULL,
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        comment TEXT
      );
      -- Dedup is a database invariant too: at most one unresolved alert per series.
      CREATE UNIQUE INDEX alerts_one_unresolved_per_series ON alerts(series_key) WHERE state != 'resolved';
      CREATE INDEX alerts_by_state ON alerts(state, opened_at);
      CREATE INDEX alerts_by_agent ON alerts(agent_id, opened_at);
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        script_id TEXT NOT NULL REFERENCES scripts(id),
        script_name TEXT NOT NULL,
        alert_id TEXT REFERENCES alerts(id),
        args TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE job_runs (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id),
        agent_id TEXT NOT NULL REFERENCES agents(id),
        state TEXT NOT NULL,
        exit_code INTEGER,
        signal TEXT,
        stdout TEXT,
        stderr TEXT,
        stdout_truncated INTEGER NOT NULL DEFAULT 0,
        stderr_truncated INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        queued_at INTEGER NOT NULL,
        sent_at INTEGER,
        started_at INTEGER,
        finished_at INTEGER,
        duration_ms INTEGER
      );
      CREATE INDEX job_runs_by_job ON job_runs(job_id);
      CREATE INDEX job_runs_pending_by_agent ON job_runs(agent_id, state);
    `,
  },
  {
    version: 2,
    name: 'event-log entries',
    sql: `
      -- One row per log entry an agent reported. An agent reads again, after a crash, what it had
      -- sent but never saw acknowledged; the unique key makes that second copy a no-op.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        log TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        level TEXT NOT NULL,
        ts INTEGER NOT NULL,
        source TEXT,
        event_id TEXT,
        message TEXT NOT NULL,
        seq INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (agent_id, log, entry_id)
      );
      CREATE INDEX events_by_agent_time ON events(agent_id, ts);
    `,
  },
  {
    version: 3,
    name: 'agent liveness: frame interval, presence history, alert suppression, the built-in offline rule',
    sql: `
      -- From the agent's last hello; NULL for agents that do not announce it (taken as 60 s).
      ALTER TABLE agents ADD COLUMN interval_ms INTEGER;
      -- Every online/offline change, in order: the raw material of availability reports.
      CREATE TABLE agent_presence (
        id INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        online INTEGER NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX agent_presence_by_agent ON agent_presence(agent_id, at);
      -- The id of the agent's offline alert while the agent is offline.
      ALTER TABLE alerts ADD COLUMN suppressed_by TEXT;
      CREATE INDEX alerts_by_suppressor ON alerts(suppressed_by) WHERE suppressed_by IS NOT NULL;
      -- A rule like any other (admins may change its priority or scope, or disable it); the
      -- collector feeds it agent.online = 0 when an agent goes offline and 1 when it is back.
      INSERT INTO rules (id, name, metric, labels, op, threshold, clear_threshold, for_samples, priority, scope, runbook_id, enabled, created_at, updated_at)
      VALUES ('rul_agent_offline', 'Agent offline', 'agent.online', '{}', '<', 1, NULL, 1, 'P2', '{}', NULL, 1,
        CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
    `,
  },
  {
    version: 4,
    name: 'alert lifecycle: occurrences, flapping, acknowledgement expiry, maintenance, SLA clocks, escalation',
    sql: `
      ALTER TABLE alerts ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE alerts ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN ack_expires_at INTEGER;
      ALTER TABLE alerts ADD COLUMN maintenance_window_id TEXT;
      ALTER TABLE alerts ADD COLUMN respond_by INTEGER;
      ALTER TABLE alerts ADD COLUMN resolve_by INTEGER;
      ALTER TABLE alerts ADD COLUMN respond_breached_at INTEGER;
      ALTER TABLE alerts ADD COLUMN resolve_breached_at INTEGER;
      ALTER TABLE alerts ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE alerts ADD COLUMN escalated_at INTEGER;
    `,
  },
];
