import type { Permission, WhoAmI } from '@vigil/shared';

/** The UI shows a control only when the caller holds its permission; the API checks again. */
export function can(me: WhoAmI, permission: Permission): boolean {
  return me.permissions.includes(permission);
}
