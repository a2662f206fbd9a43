/**
 * The live alert feed page: the NOC's first screen. Self-contained (no CDN, no build step) so the
 * collector serves it as is. The token arrives once in the URL fragment, which browsers never
 * send to the server, and is then kept in sessionStorage.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Vigil — alert feed</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #e6e6e6; }
  header { display: flex; gap: 1.5em; align-items: center; padding: .75em 1.25em; background: #161d24; border-bottom: 1px solid #2a333c; }
  header h1 { font-size: 1.1em; margin: 0; }
  #status { color: #9aa5b1; }
  main { padding: 1em 1.25em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4em .6em; border-bottom: 1px solid #222b33; }
  th { color: #9aa5b1; font-weight: 600; }
  .P1 { color: #ff5c5c; font-weight: 700; } .P2 { color: #ff9f43; font-weight: 700; }
  .P3 { color: #f6e05e; } .P4 { color: #9aa5b1; }
  tr.acknowledged td { opacity: .65; }
  tr.suppressed td { opacity: .45; }
  button { background: #2a333c; color: #e6e6e6; border: 1px solid #3b4650; border-radius: 4px; padding: .2em .6em; cursor: pointer; }
  form { display: flex; gap: .5em; }
  input { background: #0f1419; color: #e6e6e6; border: 1px solid #3b4650; border-radius: 4px; padding: .3em .5em; width: 28em; }
  .empty { color: #9aa5b1; padding: 2em 0; }
</style>
</head>
<body>
<header><h1>Vigil</h1><span id="agents"></span><span id="status">connecting…</span></header>
<main>
  <form id="login" hidden><input id="token" type="password" placeholder="API token" autocomplete="off"><button>Open feed</button></form>
  <table id="feed" hidden>
    <thead><tr><th>Priority</th><th>State</th><th>Host</th><th>Alert</th><th>Value</th><th>Opened</th><th></th></tr></thead>
    <tbody></tbody>
  </table>
  <p class="empty" id="empty" hidden>No open alerts.</p>
</main>
<script>
(() => {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) { sessionStorage.setItem('vigil.token', fromHash); history.replaceState(null, '', location.pathname); }
  const alerts = new Map();
  const $ = (id) => document.getElementById(id);
  const token = () => sessionStorage.getItem('vigil.token');
  const text = (value) => { const span = document.createElement('span'); span.textContent = String(value); return span.innerHTML; };

  function render() {
    const rows = [...alerts.values()].sort((a, b) => b.openedAt - a.openedAt);
    $('feed').hidden = rows.length === 0; $('empty').hidden = rows.length !== 0;
    $('feed').tBodies[0].innerHTML = rows.map((a) => '<tr class="' + a.state + (a.suppressedBy ? ' suppressed' : '') + '" data-id="' + text(a.id) + '">' +
      '<td class="' + a.priority + '">' + a.priority + '</td><td>' + a.state + (a.suppressedBy ? ' <small>(suppressed by ' + text(a.suppressedBy) + ')</small>' : '') + '</td><td>' + text(a.hostname) + '</td>' +
      '<td>' + text(a.ruleName) + ' <small>' + text(a.metric) + ' ' + text(Object.values(a.labels).join(' ')) + '</small></td>' +
      '<td>' + Number(a.value).toFixed(1) + '</td><td>' + new Date(a.openedAt).toLocaleString() + '</td>' +
      '<td>' + (a.state === 'open' ? '<button data-act="ack">Ack</button> ' : '') + '<button data-act="resolve">Resolve</button></td></tr>').join('');
  }

  async function api(path, init) {
    const res = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + token(), 'content-type': 'application/json' } });
    if (res.status === 401) { sessionStorage.removeItem('vigil.token'); showLogin(); throw new Error('unauthorized'); }
    return res.json();
  }

  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/alerts/stream?token=' + encodeURIComponent(token()));
    ws.onopen = () => { $('status').textContent = 'live'; };
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'snapshot') { alerts.clear(); msg.alerts.forEach((a) => alerts.set(a.id, a)); }
      else if (msg.type === 'alert.resolved') alerts.delete(msg.alert.id);
      else alerts.set(msg.alert.id, msg.alert);
      render();
    };
    ws.onclose = () => { $('status').textContent = 'reconnecting…'; setTimeout(connect, 2000 + Math.random() * 3000); };
    api('/api/v1/agents').then((r) => { $('agents').textContent = r.agents.length + ' agents, ' + r.agents.filter((a) => a.online).length + ' online, ' + r.agents.filter((a) => a.presence === 'offline').length + ' offline'; }).catch(() => {});
  }

  function showLogin() { $('login').hidden = false; $('status').textContent = 'sign in'; }
  $('login').onsubmit = (e) => { e.preventDefault(); sessionStorage.setItem('vigil.token', $('token').value.trim()); $('login').hidden = true; connect(); };
  $('feed').onclick = (e) => {
    const act = e.target.dataset && e.target.dataset.act; if (!act) return;
    const id = e.target.closest('tr').dataset.id;
    api('/api/v1/alerts/' + encodeURIComponent(id) + '/' + act, { method: 'POST', body: '{}' }).catch(() => {});
  };
  if (token()) connect(); else showLogin();
})();
</script>
</body>
</html>
`;
