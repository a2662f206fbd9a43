import type { Script, ScriptParam } from '@vigil/shared';

/** What the library shows of a script's signature: its key, or that agents run it only in development mode. */
export function signerOf(script: Pick<Script, 'signature'>): { signed: boolean; label: string } {
  return script.signature ? { signed: true, label: script.signature.keyId } : { signed: false, label: 'unsigned' };
}

/** MSP-wide scripts belong to no tenant and serve every one. */
export function scopeOf(tenantId: string | null): string {
  return tenantId ?? 'MSP-wide';
}

/** A declared parameter's constraints in a few words: "integer 1–30, required", "enum: a | b". */
export function describeParam(param: ScriptParam): string {
  const parts: string[] = [];
  if (param.type === 'enum') parts.push(`enum: ${(param.values ?? []).join(' | ')}`);
  else parts.push(param.type);
  if (param.min !== undefined || param.max !== undefined) parts.push(`${param.min ?? '…'}–${param.max ?? '…'}`);
  if (param.pattern !== undefined) parts.push(`matching /${param.pattern}/`);
  if (param.maxLength !== undefined) parts.push(`at most ${param.maxLength} characters`);
  const words = [parts.join(' ')];
  if (param.required) words.push('required');
  if (param.default !== undefined) words.push(`default ${JSON.stringify(param.default)}`);
  return words.join(', ');
}

/** Parameter names for a list's cell: "days, force", or an em dash. */
export function paramNames(params: readonly ScriptParam[]): string {
  return params.length === 0 ? '—' : params.map((p) => p.name).join(', ');
}

/** Scripts whose name, shell, tenant, signer or platform contains the search text. */
export function matchesScript(script: Script, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  const hay = [script.name, script.id, script.shell, scopeOf(script.tenantId), script.signature?.keyId ?? 'unsigned', ...script.os].join(' ').toLowerCase();
  return hay.includes(q);
}
