import { useEffect, useState } from 'preact/hooks';
import type { Script, ScriptDetail } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { useResource } from '../../ui/use-resource.js';
import { shortDigest } from './job-facts.js';
import { describeParam, scopeOf, signerOf } from './script-facts.js';

/**
 * One script, read-only: any of its versions (the latest first), with the signed manifest's
 * settings, declared parameters and body exactly as agents receive them.
 */
export function ScriptDetailPanel({ scriptId, onClose, onSignedOut }: { scriptId: string; onClose: () => void; onSignedOut: () => void }) {
  const detail = useResource<ScriptDetail>(`/api/v1/scripts/${encodeURIComponent(scriptId)}`, onSignedOut);
  // The previous script's answer stays until this one's arrives: never show it under this id.
  const current = detail.data?.id === scriptId ? detail.data : null;
  const [version, setVersion] = useState<number | null>(null);
  useEffect(() => setVersion(null), [scriptId]);
  const latest = current?.version ?? null;
  const older = version !== null && version !== latest;
  const past = useResource<Script>(older ? `/api/v1/scripts/${encodeURIComponent(scriptId)}/versions/${version}` : null, onSignedOut);
  const script: Script | null = older ? past.data : current;

  return (
    <aside class="side-panel" aria-label="Script detail">
      <div class="side-panel-head">
        <h3>{current?.name ?? scriptId}</h3>
        <span class="spacer" />
        <button type="button" class="no-print" onClick={onClose}>Close</button>
      </div>
      {detail.error && <p class="form-error" role="alert">{detail.error.message}</p>}
      {past.error && <p class="form-error" role="alert">{past.error.message}</p>}
      {current && (
        <label class="field version-pick">
          <span class="field-label">Version</span>
          <select value={String(version ?? latest)} onChange={(e) => setVersion(Number(e.currentTarget.value))}>
            {[...current.versions].reverse().map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}{v.version === latest ? ' (latest)' : ''} · {v.signer ?? 'unsigned'} · {formatTime(v.createdAt)}
              </option>
            ))}
          </select>
        </label>
      )}
      {script && <ScriptVersion script={script} />}
    </aside>
  );
}

function ScriptVersion({ script }: { script: Script }) {
  const { manifest } = script;
  const signer = signerOf(script);
  const envNames = Object.keys(manifest.env);
  return (
    <>
      <dl class="facts">
        <dt>Scope</dt><dd>{scopeOf(script.tenantId)}{manifest.tenant ? ' · the manifest restricts it to this tenant\'s agents' : ''}</dd>
        <dt>Signature</dt>
        <dd>{signer.signed ? <><span class="mono">{signer.label}</span> · {script.signature?.alg}</> : <span class="badge badge-warn">unsigned: development mode only</span>}</dd>
        <dt>Digest</dt><dd class="mono" title={script.digest}>{shortDigest(script.digest, 24)}</dd>
        <dt>Added</dt><dd>by {script.createdBy} at {formatTime(script.createdAt)}</dd>
        <dt>Shell</dt><dd>{manifest.shell}{manifest.runAs ? ` as ${manifest.runAs}` : ''}</dd>
        <dt>Platforms</dt><dd>{manifest.os.join(', ')}</dd>
        <dt>Timeout</dt><dd>{manifest.timeoutSec} s</dd>
        <dt>Approval</dt><dd>{script.requiresApproval ? 'every job waits for an approver' : 'not required'}</dd>
        {manifest.expiresAt !== null && <><dt>Signature expires</dt><dd>{formatTime(manifest.expiresAt)}</dd></>}
        {manifest.args.length > 0 && <><dt>Arguments</dt><dd class="mono">{manifest.args.join(' ')}</dd></>}
        {/* Values can be credentials the script needs: names only. */}
        {envNames.length > 0 && <><dt>Environment</dt><dd class="mono">{envNames.join(', ')}</dd></>}
      </dl>
      <h4>Parameters</h4>
      {manifest.params.length === 0 ? <p class="hint">None declared.</p> : (
        <table class="data" aria-label="Parameters">
          <thead><tr><th>Name</th><th>Accepts</th><th>Description</th></tr></thead>
          <tbody>
            {manifest.params.map((p) => <tr key={p.name}><td class="mono">{p.name}</td><td>{describeParam(p)}</td><td>{p.description ?? ''}</td></tr>)}
          </tbody>
        </table>
      )}
      <h4>Body <small class="hint">v{script.version}, read-only</small></h4>
      <pre class="output script-body" aria-label="Script body">{manifest.body}</pre>
    </>
  );
}
