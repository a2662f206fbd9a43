/** The service managers `vigil-agent service` knows: systemd, the Windows SCM through WinSW, launchd. */
export const SERVICE_OSES = ['linux', 'windows', 'darwin'] as const;
export type ServiceOs = (typeof SERVICE_OSES)[number];

export type ServiceAction = 'install' | 'uninstall' | 'status';

/** How the service runs the agent: the same on every OS, rendered into each one's format. */
export interface ServiceSpec {
  os: ServiceOs;
  /** Absolute path of the node executable (a service has no shell PATH to find it on). */
  nodePath: string;
  /** Node flags before the launcher (see node-flags.ts). */
  nodeFlags: readonly string[];
  /** Absolute path of the agent's launcher, bin/vigil-agent.js. */
  agentBin: string;
  /** Everything after the launcher: `run` and its options. */
  runArgs: readonly string[];
  /** Where the agent keeps its identity and state. */
  stateDir: string;
}

/** One thing an install, uninstall or status does, in order; a dry run prints exactly these. */
export type PlanStep =
  | { kind: 'require-path'; path: string; why: string }
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'write'; path: string; mode: number; content: string }
  | { kind: 'remove'; path: string }
  | {
      kind: 'run';
      command: string;
      args: readonly string[];
      timeoutMs: number;
      /** Set when failing is normal in some states (stopping a service that is not installed); the plan goes on. */
      mayFail?: string;
      /** What the command is for, where that is not obvious (shown by a dry run). */
      why?: string;
    };

export interface ServicePlan {
  os: ServiceOs;
  action: ServiceAction;
  steps: PlanStep[];
  /** Said before the steps: what the plan relies on, where things live. */
  notes: string[];
}

export type RunStep = Extract<PlanStep, { kind: 'run' }>;
