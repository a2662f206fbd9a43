import type { ComponentChildren } from 'preact';
import type { ApiFailure } from '../../app/api.js';

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
      {hint && !message && <small class="field-hint">{hint}</small>}
      {message && <small class="field-error" role="alert">{message}</small>}
    </fieldset>
  );
}
