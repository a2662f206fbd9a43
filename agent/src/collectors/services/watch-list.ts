/**
 * Parses a `--services sshd,cron` watch list. Names are checked loosely here (each service manager
 * checks its own syntax); control characters and absurd lengths are refused outright.
 */
export function parseServiceList(list: string): string[] {
  const names = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) throw new Error('no service named');
  if (names.length > 100) throw new Error(`at most 100 services can be watched, got ${names.length}`);
  for (const name of names) {
    // Control characters could forge log lines or label values; nothing legitimate contains them.
    if (name.length > 128 || /[\u0000-\u001f\u007f]/.test(name)) throw new Error(`not a service name: ${JSON.stringify(name)}`);
  }
  return names;
}
