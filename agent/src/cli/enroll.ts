import { generateAgentKeyPair, type EnrollRequest } from '@vigil/shared';
import { describeHost } from '../enroll/host-info.js';
import { EnrollError, requestEnrollment } from '../enroll/enroll-client.js';
import { enrollmentTrustFields, resolveEnrollTransport, type EnrollTransport } from '../enroll/transport-options.js';
import { TrustKeyFileError, readTrustKeyFile } from '../enroll/trust-key-file.js';
import { ensureStateDir } from '../state/atomic-write.js';
import { CA_FILE_NAME, isEnrolled, writeIdentity } from '../state/enrollment-store.js';
import { stateFiles } from '../state/paths.js';
import { localTrustPin, trustAtEnrollment } from '../state/trust-store.js';
import { AGENT_VERSION } from '../version.js';
import { CliError } from './options.js';

export interface EnrollCommandOptions {
  server: string;
  token: string;
  stateDir: string;
  timeoutMs: number;
  force: boolean;
  /** PEM file with the CA certificate(s) the collector's certificate must chain to. */
  caFile?: string;
  /** The collector certificate's SHA-256 fingerprint to pin, as typed. */
  fingerprint?: string;
  /** Allow an http:// server (loopback demos and tests). */
  allowPlaintext?: boolean;
  /** A script-signing public key (SPKI PEM) to pin by hand; the collector's trust document must then be signed by it. */
  trustKeyFile?: string;
}

function normaliseServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL such as https://vigil.example.com, got "${server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server must be an http:// or https:// URL, got ${url.protocol}`);
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * Makes this endpoint's key pair, registers the public half with the collector and stores the
 * identity. Returns the agent id (the only thing printed on stdout).
 */
export async function enrollCommand(options: EnrollCommandOptions): Promise<string> {
  const server = normaliseServer(options.server);
  let transport: EnrollTransport;
  try {
    transport = resolveEnrollTransport({
      server,
      ...(options.caFile !== undefined ? { caFile: options.caFile } : {}),
      ...(options.fingerprint !== undefined ? { fingerprint: options.fingerprint } : {}),
      ...(options.allowPlaintext ? { allowPlaintext: true } : {}),
    });
  } catch (error) {
    if (error instanceof EnrollError) throw new CliError(error.message);
    throw error;
  }
  let trustKey;
  try {
    trustKey = options.trustKeyFile !== undefined ? readTrustKeyFile(options.trustKeyFile) : undefined;
  } catch (error) {
    if (error instanceof TrustKeyFileError) throw new CliError(error.message);
    throw error;
  }
  if (isEnrolled(options.stateDir) && !options.force) {
    throw new CliError(`already enrolled (${stateFiles.enrollment(options.stateDir)} exists); use --force to replace this endpoint's identity`);
  }
  // Fail on an unwritable state dir before the collector spends a token use on us.
  try {
    ensureStateDir(options.stateDir);
  } catch (error) {
    throw new CliError(`cannot create the state directory ${options.stateDir}: ${(error as Error).message}`);
  }

  const keys = generateAgentKeyPair();
  const request: EnrollRequest = { token: options.token, publicKey: keys.publicKey, agentVersion: AGENT_VERSION, ...(await describeHost()) };
  if (transport.warning) process.stderr.write(`vigil-agent: ${transport.warning}\n`);
  let response;
  try {
    response = await requestEnrollment(server, request, options.timeoutMs, transport.trust);
  } catch (error) {
    if (error instanceof EnrollError) throw new CliError(error.message);
    throw error;
  }
  const { caPem } = transport.trust;
  const now = Date.now();
  const local = trustKey ? localTrustPin(response.tenantId, trustKey, now) : null;
  const trust = trustAtEnrollment(response.tenantId, local, response.trust, now);
  if (trust.refused !== undefined) {
    process.stderr.write(`vigil-agent: warning: not pinning the collector's trust document: ${trust.refused}\n`);
  }
  writeIdentity(options.stateDir, {
    privateKeyPem: keys.privateKeyPem,
    ...(caPem !== undefined ? { caPem } : {}),
    trust: trust.pinned,
    enrollment: {
      server,
      agentId: response.agentId,
      tenantId: response.tenantId,
      siteId: response.siteId,
      tags: response.tags,
      enrolledAt: new Date().toISOString(),
      ...enrollmentTrustFields(transport.trust, CA_FILE_NAME),
    },
  });
  process.stderr.write(`enrolled as agent ${response.agentId} (tenant ${response.tenantId}, site ${response.siteId}); state in ${options.stateDir}\n`);
  process.stderr.write(`${describePin(trust.pinned)}\n`);
  return response.agentId;
}

function describePin(pinned: ReturnType<typeof trustAtEnrollment>['pinned']): string {
  if (!pinned) return 'no script-signing keys pinned: this agent runs no signed script until it is enrolled again once its tenant has a trust document (or with --trust-key)';
  const keys = pinned.document.keys.map((k) => `${k.keyId} (${k.name})`).join(', ');
  return pinned.document.version === 0 ? `pinned script-signing key ${keys} (local, from --trust-key)` : `pinned trust document version ${pinned.document.version}: ${keys}`;
}
