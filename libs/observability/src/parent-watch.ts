/**
 * For processes run by a supervisor (`lgsp up`): when the supervisor disappears — killed with SIGKILL, say — its
 * children would otherwise live on, holding their ports, and the next `lgsp up` would find them taken. Node has no
 * parent-death signal, so the child checks, once a second, whether it has been re-parented away from the
 * supervisor, and then stops itself the normal way. Opt-in (the supervisor passes its pid), so that a process
 * started by hand under nohup or a container runtime is never affected.
 */
export function exitWhenParentGone(parentPid: number | undefined, stop: () => void, intervalMs = 1000): () => void {
  if (!parentPid || !Number.isInteger(parentPid) || parentPid <= 1) return () => undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || process.ppid === parentPid) return;
    stopped = true;
    clearInterval(timer);
    stop();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
