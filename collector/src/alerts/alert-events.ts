import type { AlertFeedMessage } from '@vigil/shared';

/** Every feed message but the snapshot: what happens to one alert. */
export type AlertEvent = Exclude<AlertFeedMessage, { type: 'snapshot' }>;
export type AlertEventType = AlertEvent['type'];
export type AlertListener = (event: AlertEvent) => void;

/**
 * In-process fan-out of alert transitions to the live feed and to remediation. Listeners run
 * synchronously and must not throw; a failing listener is isolated from the others.
 */
export class AlertEvents {
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: AlertEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
