/**
 * The PowerShell the Windows source runs. It asks the Windows Update Agent (the COM API behind
 * Settings > Windows Update and WSUS) for applicable updates, reads the registry keys Windows sets
 * while a reboot is pending, and prints one compressed JSON document (shape: WindowsUpdateScanSchema in
 * @vigil/shared). Failures become fields of that document, so the parser can say what failed.
 *
 * Online = $false searches the agent's cached results from Windows' own scheduled detection, which
 * needs no network and does not trigger a scan; refresh asks WSUS / Windows Update directly.
 */
export function windowsUpdateScript(options: { online: boolean }): string {
  return `
$ErrorActionPreference = 'Stop'
$r = [ordered]@{ schema = 1; updates = @(); searchError = $null; resultCode = $null; online = $${options.online}; reboot = $null; lastSearchSuccess = $null }
function Test-Key([string]$path) { try { [bool](Test-Path -LiteralPath $path) } catch { $null } }
try {
  $session = New-Object -ComObject Microsoft.Update.Session
  $session.ClientApplicationID = 'vigil-agent'
  $searcher = $session.CreateUpdateSearcher()
  $searcher.Online = $${options.online}
  $found = $searcher.Search('IsInstalled=0 and IsHidden=0')
  $r.resultCode = [int]$found.ResultCode
  $list = @()
  foreach ($u in $found.Updates) {
    $list += [ordered]@{
      title = [string]$u.Title
      kb = @($u.KBArticleIDs | ForEach-Object { 'KB' + [string]$_ })
      msrcSeverity = [string]$u.MsrcSeverity
      categories = @($u.Categories | ForEach-Object { [ordered]@{ id = [string]$_.CategoryID; name = [string]$_.Name } })
      rebootBehavior = [int]$u.InstallationBehavior.RebootBehavior
      updateId = [string]$u.Identity.UpdateID
      revision = [int]$u.Identity.RevisionNumber
      type = [int]$u.Type
    }
  }
  $r.updates = $list
} catch {
  $r.searchError = [ordered]@{ message = [string]$_.Exception.Message; hresult = ('0x{0:X8}' -f $_.Exception.HResult) }
}
$pfro = $null
try { $pfro = $null -ne (Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' -Name PendingFileRenameOperations -ErrorAction SilentlyContinue) } catch { $pfro = $null }
$r.reboot = [ordered]@{
  componentBasedServicing = (Test-Key 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending')
  windowsUpdate = (Test-Key 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired')
  pendingFileRename = $pfro
}
try { $r.lastSearchSuccess = (New-Object -ComObject Microsoft.Update.AutoUpdate).Results.LastSearchSuccessDate.ToUniversalTime().ToString('o') } catch { }
ConvertTo-Json -InputObject $r -Depth 6 -Compress
`.trimStart();
}
