import { sharedPowerShellHost } from '../../os/powershell-host.js';
import { FileEventCursorStore, MemoryEventCursorStore } from '../../state/event-cursor-store.js';
import type { MetricCollector } from '../types.js';
import { EventsCollector, type EventsCollectorOptions } from './events-collector.js';
import { JournaldSource } from './journald.js';
import { UnifiedLogSource } from './macos.js';
import type { EventSource } from './types.js';
import { WindowsEventSource } from './windows.js';

export interface EventsCollectorContext extends EventsCollectorOptions {
  /** Where positions are saved; without one (one-off collection) they live in memory only. */
  stateDir?: string | undefined;
  platform?: NodeJS.Platform;
}

/** The events collector for this OS: journald on Linux, the Event Log on Windows, the unified log on macOS. */
export function createEventsCollector(context: EventsCollectorContext = {}): MetricCollector {
  const { stateDir, platform = process.platform, ...options } = context;
  const cursors = stateDir ? new FileEventCursorStore(stateDir) : new MemoryEventCursorStore();
  return new EventsCollector(sourceFor(platform), cursors, options);
}

function sourceFor(platform: NodeJS.Platform): EventSource<unknown> {
  // The agent's one long-lived PowerShell, not a powershell.exe per frame.
  if (platform === 'win32') return new WindowsEventSource(sharedPowerShellHost().run) as EventSource<unknown>;
  if (platform === 'darwin') return new UnifiedLogSource() as EventSource<unknown>;
  if (platform === 'linux') return new JournaldSource() as EventSource<unknown>;
  return {
    name: 'none',
    parsePosition: () => undefined,
    read: async () => ({ ok: false, reason: `event logs are not read on ${platform}` }),
  };
}
