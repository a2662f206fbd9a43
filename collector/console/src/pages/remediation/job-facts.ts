import { briefTargets } from '@vigil/shared/browser';
import type { JobSummary, JobTargets, JobTargetsBrief, ParamValue, RunState, WhoAmI } from '@vigil/shared';

/** How many runs a job has: one per agent it targeted. */
export function runCount(counts: Partial<Record<RunState, number>>): number {
  return Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

const agentsNoun = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'agent' : 'agents'}`;

/**
 * Which agents a job runs on, in a few words: the selection it was created with ("tag=web in
 * acme · 12 agents"), in full or in brief (the job list's). Jobs older than that record keep only
 * their resolved agents (one run each) and the one tenant they share, so that is what is shown.
 */
export function describeTargets(job: {
  counts: Partial<Record<RunState, number>>;
  tenantId: string | null;
  targets: JobTargets | JobTargetsBrief | null;
}): string {
  const agents = runCount(job.counts);
  if (job.targets === null) {
    const where = job.tenantId === null ? (agents > 1 ? 'several tenants' : 'no tenant') : job.tenantId;
    return `${agentsNoun(agents)} · ${where}`;
  }
  const { tenant, site, tags, os, agentIdCount } = briefTargets(job.targets);
  const chosen: string[] = [];
  if (agentIdCount !== undefined) chosen.push(`${agentsNoun(agentIdCount)} by id`);
  if (tags?.length) chosen.push(tags.map((tag) => `tag=${tag}`).join(' '));
  if (os !== undefined) chosen.push(`os=${os}`);
  const where = tenant !== undefined ? `in ${site !== undefined ? `${tenant}/${site}` : tenant}` : site !== undefined ? `in site ${site}` : '';
  const selection = [chosen.length > 0 ? chosen.join(', ') : 'all agents', where].filter(Boolean).join(' ');
  // Agents named by id alone are the agents: their count says it already.
  const onlyNamed = agentIdCount === agents && chosen.length === 1 && where === '';
  return onlyNamed ? selection : `${selection} · ${agentsNoun(agents)}`;
}

/** `days=3 force=true`, or an em dash without parameters. */
export function formatParams(params: Record<string, ParamValue>): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '—';
  return entries.map(([name, value]) => `${name}=${typeof value === 'string' && /\s|^$/.test(value) ? JSON.stringify(value) : String(value)}`).join(' ');
}

/**
 * Whether the signed-in user asked for this job (through any of their tokens). The API refuses a
 * requester's own approval and stays the real check; the console hides the buttons up front. A
 * token without a user asks as nobody here (requestedByUserId null), so it is left to the API.
 */
export function isOwnRequest(me: WhoAmI, job: Pick<JobSummary, 'requestedByUserId'>): boolean {
  return me.user !== null && job.requestedByUserId === me.user.id;
}

/** Who asked, readably: a runbook's jobs are named `runbook:<id>`. */
export function describeRequester(createdBy: string): string {
  return createdBy.startsWith('runbook:') ? `runbook ${createdBy.slice('runbook:'.length)}` : createdBy;
}


/** The first characters of a digest or key fingerprint, enough to tell versions apart by eye. */
export function shortDigest(digest: string, length = 12): string {
  return digest.length > length ? `${digest.slice(0, length)}…` : digest;
}
