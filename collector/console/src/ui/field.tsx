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
      <FieldNote message={message} hint={hint} />
    </div>
  );
}

/**
 * Like `<Field>`, for a field edited with several inputs (checkboxes, a day and a time): a
 * fieldset with a legend, and the API's message for its path underneath.
 */
export function FieldGroup({ legend, path, failure, children, hint }: {
  legend: string;
  path: string;
  failure: ApiFailure | null;
  children: ComponentChildren;
  hint?: string;
}) {
  const message = failure?.fieldMessage(path);
  return (
    <fieldset class={message ? 'field field-group field-invalid' : 'field field-group'} data-field={path}>
      <legend class="field-label">{legend}</legend>
      <div class="field-group-inputs">{children}</div>
      <FieldNote message={message} hint={hint} />
    </fieldset>
  );
}

/** The API's message for a field when it refused it, else the field's hint. */
function FieldNote({ message, hint }: { message: string | undefined; hint: string | undefined }) {
  if (message) return <small class="field-error" role="alert">{message}</small>;
  return hint ? <small class="field-hint">{hint}</small> : null;
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
