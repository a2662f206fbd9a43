import type { RunState } from '@vigil/shared';
import { describeProgress, progressOf } from './progress.js';
import { runStateLabel } from './run-states.js';

/** A job's runs as one stacked bar, coloured by state, with "done of total" beside it. */
export function ProgressBar({ counts, wide = false }: { counts: Partial<Record<RunState, number>>; wide?: boolean }) {
  const progress = progressOf(counts);
  return (
    <span class={wide ? 'progress progress-wide' : 'progress'}>
      <span class="progress-bar" role="img" aria-label={`Progress: ${describeProgress(progress)}`} title={describeProgress(progress)}>
        {progress.segments.map((segment) => (
          <span key={segment.state} class={`progress-seg seg-${segment.state}`} style={{ width: `${segment.percent}%` }} />
        ))}
      </span>
      <span class="progress-caption">{progress.done.toLocaleString()}/{progress.total.toLocaleString()} done</span>
    </span>
  );
}

/**
 * Each non-empty state with its count. Given `onPick`, every entry is a button that filters the
 * runs by that state (pressed again: all states).
 */
export function ProgressLegend({ counts, picked, onPick }: {
  counts: Partial<Record<RunState, number>>;
  picked?: RunState | '';
  onPick?: (state: RunState | '') => void;
}) {
  const progress = progressOf(counts);
  return (
    <ul class="progress-legend" aria-label="Runs by state">
      {progress.segments.map(({ state, count }) => {
        const content = <><span class={`swatch seg-${state}`} aria-hidden="true" />{runStateLabel(state)} <strong>{count.toLocaleString()}</strong></>;
        return (
          <li key={state} data-state={state}>
            {onPick
              ? <button type="button" class="legend-button" aria-pressed={picked === state} onClick={() => onPick(picked === state ? '' : state)}>{content}</button>
              : content}
          </li>
        );
      })}
    </ul>
  );
}
