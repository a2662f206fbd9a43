import type { Alert } from '@vigil/shared';
import type { AlertRecord } from '../store/index.js';

/** The API and the feed never show the internal series key. */
export function toPublicAlert(record: AlertRecord): Alert {
  const { seriesKey: _seriesKey, ...alert } = record;
  return alert;
}
