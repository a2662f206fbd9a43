import { openDatabase, type Db } from './database.js';
import { AgentStore } from './agents.js';
import { AlertStore } from './alerts.js';
import { EventStore } from './events.js';
import { FleetStore } from './fleet.js';
import { JobStore } from './jobs.js';
import { PresenceStore } from './presence.js';
import { ReportStore } from './reports.js';
import { RuleStore } from './rules.js';
import { ScriptStore } from './scripts.js';
import { TrustStore } from './trust.js';
import { RunbookStore } from './runbooks.js';
import { RunbookRunStore } from './runbook-runs.js';
import { TelemetryStore } from './telemetry.js';
import { TenantStore } from './tenants.js';
import { TokenStore } from './tokens.js';
import { SlaStore } from './sla.js';
import { NotificationStore } from './notifications.js';
import { MaintenanceStore } from './maintenance.js';
import { AuditStore } from './audit.js';
import { UserStore } from './users.js';

interface Unit {
  afterCommit: Array<() => void>;
  onRollback: Set<() => void>;
  failure?: { err: unknown };
}

/** Every SQL statement of the collector lives under store/; the rest sees these narrow modules. */
export class Store {
  readonly tenants: TenantStore;
  readonly tokens: TokenStore;
  readonly agents: AgentStore;
  readonly telemetry: TelemetryStore;
  readonly events: EventStore;
  readonly rules: RuleStore;
  readonly alerts: AlertStore;
  readonly scripts: ScriptStore;
  readonly trust: TrustStore;
  readonly runbooks: RunbookStore;
  readonly runbookRuns: RunbookRunStore;
  readonly jobs: JobStore;
  readonly presence: PresenceStore;
  readonly reports: ReportStore;
  readonly sla: SlaStore;
  readonly notifications: NotificationStore;
  readonly maintenance: MaintenanceStore;
  readonly audit: AuditStore;
  readonly users: UserStore;
  readonly fleet: FleetStore;
  /** The outermost transaction under way, if any. */
  private unit: Unit | null = null;

  constructor(readonly db: Db) {
    this.tenants = new TenantStore(db);
    this.tokens = new TokenStore(db);
    this.agents = new AgentStore(db);
    this.events = new EventStore(db);
    this.telemetry = new TelemetryStore(db, this.events);
    this.rules = new RuleStore(db);
    this.alerts = new AlertStore(db, (fn) => this.transaction(fn));
    this.scripts = new ScriptStore(db);
    this.trust = new TrustStore(db);
    this.runbooks = new RunbookStore(db);
    this.runbookRuns = new RunbookRunStore(db);
    this.jobs = new JobStore(db);
    this.presence = new PresenceStore(db);
    this.reports = new ReportStore(db);
    this.sla = new SlaStore(db);
    this.notifications = new NotificationStore(db);
    this.maintenance = new MaintenanceStore(db);
    this.audit = new AuditStore(db);
    this.users = new UserStore(db);
    this.fleet = new FleetStore(db);
  }

  /**
   * Runs fn's writes atomically. Nested calls join the outermost transaction, and a failure in one
   * of them fails it all (even if the caller catches it), so that in-memory state kept beside the
   * database has a single outcome to follow: see afterCommit and onRollback.
   */
  transaction<T>(fn: () => T): T {
    const current = this.unit;
    if (current) {
      try {
        return fn();
      } catch (err) {
        current.failure ??= { err };
        throw err;
      }
    }
    const unit: Unit = { afterCommit: [], onRollback: new Set() };
    this.unit = unit;
    let result: T;
    try {
      result = this.db.transaction(() => {
        const value = fn();
        if (unit.failure) throw unit.failure.err;
        return value;
      })();
    } catch (err) {
      this.unit = null;
      for (const hook of unit.onRollback) hook();
      throw err;
    }
    this.unit = null;
    for (const hook of unit.afterCommit) hook();
    return result;
  }

  /** Runs hook once the current transaction has committed (at once outside one), in order. Hooks must not throw. */
  afterCommit(hook: () => void): void {
    if (this.unit) this.unit.afterCommit.push(hook);
    else hook();
  }

  /**
   * Runs hook if the current transaction rolls back (never outside one); the same function
   * registered twice runs once. Hooks must not throw.
   */
  onRollback(hook: () => void): void {
    this.unit?.onRollback.add(hook);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { AgentRow } from './agents.js';
export { NEW_ALERT_LIFECYCLE, type AlertRecord, type AlertFilter } from './alerts.js';
export type { IncomingFrame } from './telemetry.js';
export type { EventQuery } from './events.js';
export type { KnownAgentRow, PresenceChangeRow } from './presence.js';
export type { UserRow, NewUser } from './users.js';
export type { ApiTokenRow, NewApiToken } from './tokens.js';
export type { AuditRecord, AuditVisibility } from './audit.js';
