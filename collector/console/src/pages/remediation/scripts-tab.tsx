import { useMemo } from 'preact/hooks';
import type { Script } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { useResource } from '../../ui/use-resource.js';
import type { RemediationQuery } from './remediation-query.js';
import { matchesScript, paramNames, scopeOf, signerOf } from './script-facts.js';
import { ScriptDetailPanel } from './script-detail.js';

interface Props {
  query: RemediationQuery;
  update: (patch: Partial<RemediationQuery>) => void;
  onSignedOut: () => void;
}

/** Every script the caller may see, the tenant's and the MSP-wide library's; one opens beside the list. */
export function ScriptsTab({ query, update, onSignedOut }: Props) {
  const scripts = useResource<{ scripts: Script[] }>('/api/v1/scripts', onSignedOut);
  const all = scripts.data?.scripts ?? [];
  const shown = useMemo(() => all.filter((s) => matchesScript(s, query.q)).sort((a, b) => a.name.localeCompare(b.name)), [all, query.q]);

  return (
    <>
      <div class="toolbar">
        <input type="search" aria-label="Search scripts" placeholder="Search name, shell, tenant, signer…" value={query.q} onInput={(e) => update({ q: e.currentTarget.value })} />
        <span class="count">{shown.length} of {all.length} scripts</span>
        <span class="spacer" />
        <span class="hint">Read-only: scripts are written and signed offline with the <code>vigil</code> CLI (<code>vigil scripts add … --sign</code>, <code>vigil scripts update … --sign</code>).</span>
      </div>
      {scripts.error && <p class="form-error" role="alert">{scripts.error.message}</p>}
      <div class={query.script ? 'split' : undefined}>
        <div class="split-main">
          {scripts.data && shown.length === 0 && <p class="empty">{all.length === 0 ? 'The library is empty.' : 'No scripts match.'}</p>}
          {shown.length > 0 && (
            <table class="data scripts-table" aria-label="Scripts">
              <thead>
                <tr><th>Name</th><th>Scope</th><th>Shell</th><th>Platforms</th><th>Version</th><th>Signer</th><th>Added</th><th>Parameters</th><th>Approval</th></tr>
              </thead>
              <tbody>
                {shown.map((script) => <ScriptRow key={script.id} script={script} open={script.id === query.script} onOpen={() => update({ script: script.id === query.script ? '' : script.id })} />)}
              </tbody>
            </table>
          )}
        </div>
        {query.script && <ScriptDetailPanel scriptId={query.script} onClose={() => update({ script: '' })} onSignedOut={onSignedOut} />}
      </div>
    </>
  );
}

function ScriptRow({ script, open, onOpen }: { script: Script; open: boolean; onOpen: () => void }) {
  const signer = signerOf(script);
  return (
    <tr class={open ? 'selected' : undefined} data-script-id={script.id}>
      <td><button type="button" class="link-button" aria-expanded={open} onClick={onOpen}>{script.name}</button></td>
      <td>{scopeOf(script.tenantId)}</td>
      <td>{script.shell}</td>
      <td>{script.os.join(', ')}</td>
      <td class="num">v{script.version}</td>
      <td>{signer.signed ? <span class="mono" title="signing key id (SHA-256 fingerprint of the public key)">{signer.label}</span> : <span class="badge badge-warn" title="agents run it only in development mode">unsigned</span>}</td>
      <td title={`by ${script.createdBy}`}>{formatTime(script.createdAt)}</td>
      <td>{paramNames(script.manifest.params)}</td>
      <td>{script.requiresApproval ? <span class="badge badge-warn">required</span> : '—'}</td>
    </tr>
  );
}
