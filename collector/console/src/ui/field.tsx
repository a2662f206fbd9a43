import type { ComponentChildren } from 'preact';
import type { ApiFailure } from '../app/api.js';

/**
 * A labelled form field with the API's validation message for it underneath. `path` is the
 * field's dotted path in the request body (as the API reports it in `error.fields`). The message
 * sits beside the label, not inside it, so the input's accessible name stays the label alone.
 */
export function Field({ label, path, failure, children, hint }: {
  label: string;
  path: string;
  failure: ApiFailure | null;
  children: ComponentChildren;
  hint?: string;
}) {
  const message = failure?.fieldMessage(path);
  return (
    <div class={message ? 'field field-invalid' : 'field'} data-field={path}>
      <label class="field-control">
        <span class="field-label">{label}</span>
        {children}
      </label>
      {hint && !message && <small class="field-hint">{hint}</small>}
      {message && <small class="field-error" role="alert">{message}</small>}
    </div>
  );
}

/**
 * The part of a refused request no field shows: its message when no field was named, or the
 * messages for fields this form has no input for (`shown` lists the paths it has).
 */
export function FormError({ failure, shown }: { failure: ApiFailure | null; shown: readonly string[] }) {
  if (!failure) return null;
  const unplaced = failure.fields.filter((f) => !shown.includes(f.path));
  if (failure.fields.length > 0 && unplaced.length === 0) return null;
  const text = unplaced.length > 0 ? unplaced.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ') : failure.message;
  return <p class="form-error" role="alert">{text}</p>;
}
