import type { ComponentChildren } from 'preact';
import type { SectionRead } from './section-data.js';

/** Draws a section once it was read, or says plainly why there is nothing to draw. */
export function SectionBody<T>({ read, what, children }: { read: SectionRead<T>; what: string; children: (value: T) => ComponentChildren }) {
  if (read.state === 'missing') return <p class="empty">{what}: not reported by this agent.</p>;
  if (read.state === 'unreadable') return <p class="empty">{what}: reported in a shape this console cannot read (a newer or older agent?).</p>;
  return <>{children(read.value)}</>;
}
