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
  {
    version: 5,
    name: 'SLA policies per tenant; when the SLA clock looks at each alert next',
    sql: `
      -- A tenant's overrides of the default SLA policy (JSON, as given to the API).
      CREATE TABLE tenant_sla_policies (
        tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
        overrides TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- When the clocks started: NULL for the opening, the release instant after a maintenance window.
      ALTER TABLE alerts ADD COLUMN sla_started_at INTEGER;
      -- When the SLA clock next needs to look at the alert; NULL once it has nothing left to do.
      -- New alerts get 0 (look at once), so the clock finds them without scanning every open alert.
      ALTER TABLE alerts ADD COLUMN sla_next_at INTEGER DEFAULT 0;
      UPDATE alerts SET sla_next_at = NULL WHERE state = 'resolved';
      CREATE INDEX alerts_by_sla_next ON alerts(sla_next_at, state, maintenance_window_id) WHERE sla_next_at IS NOT NULL;
      -- Whatever changes what a clock depends on (a re-open, a lapsed acknowledgement, entering or
      -- leaving a maintenance window) has the clock look at the unresolved alert again at once.
      CREATE TRIGGER alerts_sla_look_again AFTER UPDATE OF state, acknowledged_at, resolved_at, maintenance_window_id ON alerts
      WHEN NEW.state != 'resolved' AND NEW.sla_next_at IS NOT 0
      BEGIN
        UPDATE alerts SET sla_next_at = 0 WHERE id = NEW.id;
      END;
    `,
  },
  {
    version: 7,
    name: 'notification channels and deliveries',
    sql: `
      -- target, filters: JSON as given to the API. secret: the webhook HMAC key, kept in clear
      -- because signing needs it; the API never shows it after creation.
      CREATE TABLE notification_channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        secret TEXT,
        filters TEXT NOT NULL,
        group_wait TEXT NOT NULL,
        group_interval TEXT NOT NULL,
        repeat_interval TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- One row per notification (one channel, one event, a group of alerts). batch keeps what was
      -- to be sent, so a delivery still pending when the collector stopped can be sent after a
      -- restart. No foreign key to the channel: the history outlives a deleted channel.
      CREATE TABLE notification_deliveries (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        event TEXT NOT NULL,
        alert_ids TEXT NOT NULL,
        batch TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sent_at INTEGER
      );
      CREATE INDEX notification_deliveries_by_channel ON notification_deliveries(channel_id, created_at);
      CREATE INDEX notification_deliveries_by_status ON notification_deliveries(status, created_at);
    `,
  },
  {
    version: 6,
    name: 'maintenance windows',
    sql: `
      -- One-off windows have starts_at and ends_at; recurring ones a cron expression in a time zone,
      -- each occurrence lasting duration_minutes. scope is JSON, as given to the API.
      CREATE TABLE maintenance_windows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('once', 'recurring')),
        starts_at INTEGER,
        ends_at INTEGER,
        cron TEXT,
        duration_minutes INTEGER,
        timezone TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- The alerts a window holds back right now: what each release looks up.
      CREATE INDEX alerts_held_by_window ON alerts(maintenance_window_id) WHERE maintenance_window_id IS NOT NULL AND state != 'resolved';
    `,
  },
  {
    version: 8,
    name: 'rule lifecycle: for, hold time, re-open window, flapping thresholds; alert continuation and acknowledgement expiry lookups',
    sql: `
      -- Duration strings as given ("5m"); NULL means the default (see RULE_LIFECYCLE_DEFAULTS).
      ALTER TABLE rules ADD COLUMN for_duration TEXT;
      ALTER TABLE rules ADD COLUMN hold_for TEXT;
      ALTER TABLE rules ADD COLUMN reopen_within TEXT;
      ALTER TABLE rules ADD COLUMN flap_high_threshold REAL;
      ALTER TABLE rules ADD COLUMN flap_low_threshold REAL;
      -- A new breach looks up the series' last resolved alert, which it may re-open.
      CREATE INDEX alerts_resolved_by_series ON alerts(series_key, resolved_at) WHERE state = 'resolved';
      -- The acknowledgements that lapse next.
      CREATE INDEX alerts_by_ack_expiry ON alerts(ack_expires_at) WHERE state = 'acknowledged' AND ack_expires_at IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'patch compliance: since when a security patch has been pending, per agent',
    sql: `
      -- Set by the first frame reporting patch.security_pending > 0 and cleared by one reporting 0,
      -- so "pending longer than policy allows" needs no scan of old frames.
      ALTER TABLE agents ADD COLUMN security_pending_since INTEGER;
      -- The last frame that reported patch status at all: agents without one are left out of compliance.
      ALTER TABLE agents ADD COLUMN patch_checked_at INTEGER;
    `,
  },
  {
    version: 10,
    name: 'rule policies: exclusions and per tenant, site or agent overrides',
    sql: `
      -- JSON as given to the API; NULL when the rule has none (rules written before stay as they were).
      ALTER TABLE rules ADD COLUMN exclude TEXT;
      ALTER TABLE rules ADD COLUMN overrides TEXT;
    `,
  },
  {
    version: 13,
    name: 'patch compliance: since when a reboot has been pending, per agent',
    sql: `
      -- Set by the first frame reporting patch.reboot_required = 1 and cleared by one reporting 0,
      -- like security_pending_since: patch.reboot_pending_days is measured from it at ingest.
      ALTER TABLE agents ADD COLUMN reboot_pending_since INTEGER;
    `,
  },
  {
    version: 11,
    name: 'rule aggregation: aggregate (avg, max, min) over a window',
    sql: `
      -- NULL in both when the rule compares each sample as it comes (rules written before stay so).
      ALTER TABLE rules ADD COLUMN aggregate TEXT;
      ALTER TABLE rules ADD COLUMN aggregate_window TEXT;
    `,
  },
  {
    version: 12,
    name: 'event-log match rules: which entries an event.match rule counts',
    sql: `
      -- JSON as given to the API (log, level, source, eventId, message, window); NULL for other rules.
      ALTER TABLE rules ADD COLUMN events TEXT;
    `,
  },
  {
    version: 14,
    name: 'tenancy and access: users, scoped and expiring tokens, sessions, tenant-owned scripts and jobs, the audit log',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        -- scrypt, with its parameters and salt: see auth/passwords.ts.
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        -- JSON array of tenant ids; ["*"] for an owner.
        tenants TEXT NOT NULL,
        -- Base32 TOTP secret: pending until totp_enabled, which a valid code turns on.
        totp_secret TEXT,
        totp_enabled INTEGER NOT NULL DEFAULT 0,
        -- The last 30-second step a code was accepted for: a code cannot be used twice.
        totp_last_step INTEGER,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        disabled_at INTEGER
      );
      -- NULL user: the bootstrap token of <data>/admin.token, an owner's.
      ALTER TABLE api_tokens ADD COLUMN user_id TEXT REFERENCES users(id);
      ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
      ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '["*"]';
      ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
      ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
      CREATE INDEX api_tokens_by_user ON api_tokens(user_id, created_at);
      -- NULL: MSP-wide (the shared script library, a job across tenants).
      ALTER TABLE scripts ADD COLUMN tenant_id TEXT;
      ALTER TABLE runbooks ADD COLUMN tenant_id TEXT;
      ALTER TABLE jobs ADD COLUMN tenant_id TEXT;
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_type TEXT NOT NULL,
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        tenant_id TEXT,
        target_type TEXT,
        target_id TEXT,
        before TEXT,
        after TEXT,
        source_ip TEXT
      );
      CREATE INDEX audit_by_time ON audit_log(at);
      CREATE INDEX audit_by_tenant ON audit_log(tenant_id, at);
      -- Append-only, whatever the application does: history cannot be edited from inside.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 15,
    name: 'signed remediation: script versions, trust documents, bulk jobs with policies and approvals, runbooks with steps, verification and their runs',
    sql: `
      -- Every version of every script, as signed: the scripts row is the script's head (name,
      -- tenant, change control, latest version). A manifest is never changed in place.
      CREATE TABLE script_versions (
        script_id TEXT NOT NULL REFERENCES scripts(id),
        version INTEGER NOT NULL,
        manifest TEXT NOT NULL,
        signature TEXT,
        digest TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (script_id, version)
      );
      -- Scripts written before versions become version 1, unsigned, with the digest computed on
      -- first read (SQLite has no SHA-256).
      INSERT INTO script_versions (script_id, version, manifest, signature, digest, created_by, created_at)
        SELECT id, 1, json_object('kind', 'vigil.script', 'name', name, 'version', 1, 'shell', shell, 'body', body,
          'args', json(args), 'params', json('[]'), 'env', json(env), 'timeoutSec', timeout_sec, 'os', json(os),
          'runAs', NULL, 'tenant', NULL, 'expiresAt', NULL), NULL, '', 'migration', created_at FROM scripts;
      ALTER TABLE scripts ADD COLUMN latest_version INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE scripts ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE scripts ADD COLUMN created_by TEXT NOT NULL DEFAULT 'migration';

      -- A tenant's current trust document (its script-signing keys), as signed; earlier ones stay.
      CREATE TABLE trust_documents (
        tenant_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        signature TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, version)
      );
      -- What each agent last said it pins, to send it a newer one.
      ALTER TABLE agents ADD COLUMN trust_version INTEGER NOT NULL DEFAULT 0;

      ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE jobs ADD COLUMN digest TEXT NOT NULL DEFAULT '';
      ALTER TABLE jobs ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE jobs ADD COLUMN offline_policy TEXT NOT NULL DEFAULT 'run_on_reconnect';
      ALTER TABLE jobs ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN concurrency INTEGER NOT NULL DEFAULT 10000;
      ALTER TABLE jobs ADD COLUMN rate_per_sec INTEGER NOT NULL DEFAULT 10000;
      -- awaiting_approval | active | finished | cancelled | rejected
      ALTER TABLE jobs ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
      ALTER TABLE jobs ADD COLUMN approval_required INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN requested_by_user_id TEXT;
      ALTER TABLE jobs ADD COLUMN decided_by TEXT;
      ALTER TABLE jobs ADD COLUMN decided_at INTEGER;
      ALTER TABLE jobs ADD COLUMN decision TEXT;
      ALTER TABLE jobs ADD COLUMN decision_comment TEXT;
      ALTER TABLE jobs ADD COLUMN runbook_run_id TEXT;
      UPDATE jobs SET status = 'finished';
      CREATE INDEX jobs_by_status ON jobs(status) WHERE status IN ('awaiting_approval', 'active');
      CREATE INDEX job_runs_by_job_state ON job_runs(job_id, state);

      ALTER TABLE runbooks ADD COLUMN steps TEXT;
      ALTER TABLE runbooks ADD COLUMN verify TEXT NOT NULL DEFAULT '{"within":"2m"}';
      ALTER TABLE runbooks ADD COLUMN max_runs_per_alert_hour INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE runbooks ADD COLUMN max_runs_per_agent_hour INTEGER NOT NULL DEFAULT 3;
      ALTER TABLE runbooks ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0;
      -- Runbooks written before steps become one step of their script (args stay, for unsigned scripts).
      UPDATE runbooks SET steps = json_array(json_object('scriptId', script_id, 'params', json('{}'), 'timeout', '5m', 'onFailure', 'stop'));

      -- A run keeps the runbook's steps and verify stage as they were when it started (a PATCH
      -- does not change a run under way), and its record outlives the runbook: no foreign key to
      -- runbooks, which may be deleted once no rule names them.
      CREATE TABLE runbook_runs (
        id TEXT PRIMARY KEY,
        runbook_id TEXT NOT NULL,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        agent_id TEXT NOT NULL REFERENCES agents(id),
        tenant_id TEXT NOT NULL,
        state TEXT NOT NULL,
        step_index INTEGER NOT NULL DEFAULT 0,
        job_ids TEXT NOT NULL DEFAULT '[]',
        outcome TEXT,
        output TEXT NOT NULL DEFAULT '',
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        -- {name, steps, verify, args}: the runbook as it was when the run started.
        plan TEXT NOT NULL DEFAULT '{}',
        -- When the current step (or the verify stage) began: its timeout counts from here, across restarts.
        stage_started_at INTEGER
      );
      -- The hourly caps count recent runs per alert and per agent.
      CREATE INDEX runbook_runs_by_alert ON runbook_runs(alert_id, started_at);
      CREATE INDEX runbook_runs_by_agent ON runbook_runs(agent_id, started_at);
      CREATE INDEX runbook_runs_unfinished ON runbook_runs(state) WHERE finished_at IS NULL;
      -- The alert's latest finished runbook run, as JSON {runbookRunId, runbookId, runbookName, state, outcome, output, at}.
      ALTER TABLE alerts ADD COLUMN remediation TEXT;
    `,
  },
  {
    version: 16,
    name: "the latest patch scan's counts beside the stored sections, for the fleet list",
    sql: `
      -- Kept in step with last_sections.patches by ingest, so listing ten thousand agents reads three
      -- integers each instead of parsing every agent's sections (inventory can be large).
      ALTER TABLE agents ADD COLUMN patch_pending INTEGER;
      ALTER TABLE agents ADD COLUMN patch_security INTEGER;
      ALTER TABLE agents ADD COLUMN patch_reboot INTEGER;
      UPDATE agents SET
        patch_pending = json_extract(last_sections, '$.patches.pending'),
        patch_security = json_extract(last_sections, '$.patches.securityPending'),
        patch_reboot = json_extract(last_sections, '$.patches.rebootRequired')
      WHERE json_valid(last_sections);
    `,
  },
  {
    version: 17,
    name: 'the targets a job was created with',
    sql: `
      -- JSON, as the request named the agents (a tag, a site, ids...); NULL for the jobs before it,
      -- whose selection was never recorded (their runs still say which agents they reached).
      ALTER TABLE jobs ADD COLUMN targets TEXT;
    `,
  },
  {
    version: 18,
    name: 'what each agent last said about its spool',
    sql: `
      -- From the latest frame's spool report: frames the agent dropped because its spool was full
      -- (over its lifetime) and frames it held. NULL until an agent that reports them sends a frame.
      ALTER TABLE agents ADD COLUMN spool_dropped INTEGER;
      ALTER TABLE agents ADD COLUMN spool_depth INTEGER;
    `,
  },
  {
    version: 19,
    name: 'the response clock counts only the acknowledgement in force; maintenance pauses running SLA clocks; the first acknowledgement kept',
    sql: `
      -- When the current occurrence's last acknowledgement lapsed: the response clock it had
      -- stopped owes a fresh response window from then. NULL when none lapsed (a re-open clears it).
      ALTER TABLE alerts ADD COLUMN ack_lapsed_at INTEGER;
      -- When a maintenance window paused the alert's already running SLA clocks (held at the
      -- window's start); the release adds the time held to its deadlines. NULL for an alert held
      -- since it opened, whose clocks start at the release instead.
      ALTER TABLE alerts ADD COLUMN clocks_paused_at INTEGER;
      -- The first acknowledgement the alert ever had, never cleared (neither by a lapse nor by a
      -- re-open): the KPI report's time to acknowledge. NULL while no one has acknowledged it.
      ALTER TABLE alerts ADD COLUMN first_acknowledged_at INTEGER;
      -- Back-filled before acknowledged_at is cleared below. acknowledged_at held the latest
      -- acknowledgement (each one overwrote it), so the audit log's earliest alert.acknowledged
      -- entry, when there is one, tells an alert acknowledged again after a lapse its first.
      UPDATE alerts SET first_acknowledged_at = acked.at
      FROM (SELECT target_id, MIN(at) AS at FROM audit_log
            WHERE action = 'alert.acknowledged' AND target_type = 'alert' GROUP BY target_id) AS acked
      WHERE acked.target_id = alerts.id;
      UPDATE alerts SET first_acknowledged_at = acknowledged_at
      WHERE acknowledged_at IS NOT NULL AND (first_acknowledged_at IS NULL OR acknowledged_at < first_acknowledged_at);
      -- acknowledged_at / acknowledged_by now mean the acknowledgement in force for this
      -- occurrence. An open alert that still carries one kept it as history of a lapse or of an
      -- earlier occurrence: cleared (the audit log keeps who acknowledged). When it lapsed was not
      -- recorded; the acknowledgement's own instant is the earliest it can have.
      UPDATE alerts SET ack_lapsed_at = acknowledged_at, acknowledged_at = NULL, acknowledged_by = NULL
      WHERE state = 'open' AND acknowledged_at IS NOT NULL;
      -- The SLA clock also looks at paused alerts (to record what fell due before the pause): the
      -- index still covers its filter, so alerts waiting in a window cost no row reads.
      DROP INDEX alerts_by_sla_next;
      CREATE INDEX alerts_by_sla_next ON alerts(sla_next_at, state, maintenance_window_id, clocks_paused_at) WHERE sla_next_at IS NOT NULL;
    `,
  },
  {
    version: 20,
    name: 'which alerts each notification channel was told are firing',
    sql: `
      -- One row per (channel, alert) whose firing the channel was sent, until the resolve goes out:
      -- the channel is owed that resolve even if by then the alert is flapping or suppressed.
      -- kinds: JSON, each kind of news ("firing", "breached:respond", "escalated:2"...) → when it
      -- went out, for repeatInterval across restarts.
      CREATE TABLE notification_announcements (
        channel_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        kinds TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, alert_id)
      ) WITHOUT ROWID;
    `,
  },
];
