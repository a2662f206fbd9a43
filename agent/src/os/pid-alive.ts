/** Whether a process with this pid exists (signal 0 checks without delivering anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but owned by another user (the service runs as root or a service account).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
