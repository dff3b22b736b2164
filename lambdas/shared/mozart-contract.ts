/**
 * The variables of every handler that submits HySDS jobs to Mozart (staging-submit,
 * cnm-r-consumer, campaign-submit): how to reach Mozart, and which job to submit. Handlers nest
 * these contracts in their own.
 */
import { boolean, environmentContract, integer, matching, optional, required, type Sources, type Values } from './env';

/** HySDS job priorities run from 0 to 9. */
export const JOB_PRIORITY = integer('JOB_PRIORITY', { fallback: 0, min: 0, max: 9 });

/** Mozart's connection (lambdas/shared/mozart.ts MozartOptions). */
export const MOZART_ENV = environmentContract("Mozart's connection", {
  /** Mozart's base URL, `https://<address>` (the API path is appended). */
  url: required('MOZART_URL', matching(/^https?:\/\/[^/\s]+/, 'http(s)://<mozart host>')),
  /** Skip certificate verification: only by tls.mozart's named setting (check rule PCM-TLS-1). */
  insecureTls: boolean('MOZART_TLS_INSECURE', { fallback: false }),
  /** The CA that signed Mozart's certificate; the only one trusted when set. */
  caCertificate: optional('MOZART_CA_PEM', matching(/-----BEGIN CERTIFICATE-----/, 'a PEM certificate, "-----BEGIN CERTIFICATE-----..."', () => 'is not a PEM certificate')),
  /** Connection and answer together. */
  timeoutMs: integer('MOZART_TIMEOUT_MS', { fallback: 10_000, min: 100, max: 60_000 }),
});

/** The job a handler submits: `job-<JOB_TYPE>:<JOB_RELEASE>` to JOB_QUEUE at JOB_PRIORITY (lambdas/shared/mozart.ts JobSettings). */
export const JOB_ENV = environmentContract('the HySDS job', {
  type: required('JOB_TYPE'),
  release: required('JOB_RELEASE'),
  queue: required('JOB_QUEUE'),
  priority: JOB_PRIORITY,
});

/** What a construct writes for Mozart (modules/messaging/message-lambdas.ts mozartConnection). */
export type MozartValues = Values<(typeof MOZART_ENV)['spec']>;
/** The config fields those values came from. */
export type MozartSources = Sources<(typeof MOZART_ENV)['spec']>;
