import { useEffect, useState } from 'preact/hooks';
import { clockState, formatDuration, onTick } from './clock.js';

interface Props {
  label: string;
  startedAt: number;
  by: number | null;
  breachedAt: number | null;
  met: boolean;
}

export function Countdown({ label, startedAt, by, breachedAt, met }: Props) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => onTick(setNow), []);
  const state = clockState(now, startedAt, by, breachedAt, met);
  if (state === 'none') return <span class="clock clock-none">—</span>;
  let text: string;
  if (state === 'breached') text = `breached ${formatDuration(now - (breachedAt ?? by!))} ago`;
  else if (state === 'met') text = 'met';
  else text = formatDuration(by! - now);
  return (
    <span class={`clock clock-${state}`} title={`${label} by ${new Date(by!).toLocaleString()}`}>
      {text}
    </span>
  );
}
