import type { Script, ScriptDetail } from '@vigil/shared';
import { apiPath, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

/**
 * The script by id, else by its exact name (which must be unique). The library lists each script
 * once, at its latest version; a server listing versions too is folded to one entry per id.
 */
export function findScript(scripts: readonly Script[], ref: string): Script {
  const latest = new Map<string, Script>();
  for (const script of scripts) {
    const seen = latest.get(script.id);
    if (!seen || script.version > seen.version) latest.set(script.id, script);
  }
  const byId = latest.get(ref);
  if (byId) return byId;
  const byName = [...latest.values()].filter((s) => s.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new CliError(`${byName.length} scripts are named "${ref}": give one of their ids (${byName.map((s) => s.id).join(', ')})`);
  throw new CliError(`no script ${ref}: give a script id or name (vigil scripts ls)`);
}

/** The latest version of a script given by id or name. */
export async function lookUpScript(client: ApiClient, ref: string): Promise<Script> {
  const { scripts } = await client.get<{ scripts: Script[] }>('/api/v1/scripts');
  return findScript(scripts, ref);
}

/** One version of a script (undefined: the latest, with the history of versions). */
export async function fetchScriptVersion(client: ApiClient, id: string, version?: number): Promise<Script | ScriptDetail> {
  return version === undefined
    ? client.get<ScriptDetail>(apiPath`/api/v1/scripts/${id}`)
    : client.get<Script>(apiPath`/api/v1/scripts/${id}/versions/${version}`);
}
