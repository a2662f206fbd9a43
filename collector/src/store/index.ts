import { openDatabase, type Db } from './database.js';
import { AgentStore } from './agents.js';
import { AlertStore } from './alerts.js';
import { EventStore } from './events.js';
import { JobStore } from './jobs.js';
import { PresenceStore } from './presence.js';
import { RuleStore } from './rules.js';
import { ScriptStore } from './scripts.js';
import { TelemetryStore } from './telemetry.js';
import { TenantStore } from './tenants.js';
import { TokenStore } from './tokens.js';

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
  readonly jobs: JobStore;
  readonly presence: PresenceStore;

  constructor(readonly db: Db) {
    this.tenants = new TenantStore(db);
    this.tokens = new TokenStore(db);
    this.agents = new AgentStore(db);
    this.events = new EventStore(db);
    this.telemetry = new TelemetryStore(db, this.events);
    this.rules = new RuleStore(db);
    this.alerts = new AlertStore(db);
    this.scripts = new ScriptStore(db);
    this.jobs = new JobStore(db);
    this.presence = new PresenceStore(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { AgentRow } from './agents.js';
export type { AlertRecord, AlertFilter } from './alerts.js';
export type { IncomingFrame } from './telemetry.js';
export type { EventQuery } from './events.js';
export type { KnownAgentRow, PresenceChangeRow } from './presence.js';
