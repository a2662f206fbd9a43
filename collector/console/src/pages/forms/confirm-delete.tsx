import { useState } from 'preact/hooks';

/**
 * A Delete button that asks first: the question and the final button replace it in place, so a
 * stray click never deletes anything.
 */
export function ConfirmDelete({ what, onConfirm, busy }: { what: string; onConfirm: () => void; busy?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" onClick={() => setAsking(true)} aria-label={`Delete ${what}`}>Delete</button>;
  return (
    <span class="confirm-delete" role="group" aria-label={`Confirm deleting ${what}`}>
      <span>Delete {what}?</span>
      <button type="button" class="danger" disabled={busy} onClick={onConfirm}>Yes, delete</button>
      <button type="button" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
