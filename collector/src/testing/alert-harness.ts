import pino from 'pino';
import { AlertEvents, type AlertEvent } from '../alerts/alert-events.js';
import { AlertService } from '../alerts/alert-service.js';
import { openTempStore, seedAgent } from './temp-store.js';

/** A silent logger for services under test. */
export const silentLog = pino({ level: 'silent' });

/**
 * An AlertService on a real temporary SQLite file with the given agents enrolled, and every event
 * it publishes recorded in `seen`. Call `temp.cleanup()` afterwards.
 */
export function openAlertHarness(agents: ReadonlyArray<{ agentId: string; hostname: string }>) {
  const temp = openTempStore();
  for (const agent of agents) seedAgent(temp.store, agent.agentId, { hostname: agent.hostname });
  const events = new AlertEvents();
  const seen: AlertEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const service = new AlertService(temp.store, events, silentLog);
  return { temp, events, seen, service };
}
