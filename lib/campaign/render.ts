/** How the command shows a campaign's status: one line with a bar, counts, rate and ETA. */
import { progressOf, type CampaignStatus } from './ledger';

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** The phase of a campaign that no longer runs; a stopped one says why and what to do. */
function ended(status: CampaignStatus): string {
  if (status.phase !== 'stopped') return status.phase;
  const tolerated = status.spec?.limits?.toleratedFailurePercent;
  // Stopped by its tolerance: more failed than --tolerate allowed (in AWS, chunks not yet run stay waiting).
  return `STOPPED: more failed than it tolerates${tolerated === undefined ? '' : ` (--tolerate ${tolerated}%)`}; report lists the failed rows`;
}

export function renderStatus(status: CampaignStatus, now: Date, width = 30): string {
  const progress = progressOf(status, now);
  const filled = status.total ? Math.round((progress.done / status.total) * width) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const counts = [
    `done ${progress.done}/${status.total}`,
    `failed ${status.failed}`,
    `running ${status.running}`,
    `waiting ${status.waiting}`,
    ...(status.missing ? [`missing ${status.missing}`] : []),
    ...(status.abandoned ? [`abandoned ${status.abandoned}`] : []),
  ].join(', ');
  const pace = `${progress.perMinute.toFixed(1)}/min`;
  const eta = status.phase !== 'running' ? ended(status) : progress.etaSeconds === undefined ? 'ETA unknown' : `ETA ${duration(progress.etaSeconds)}`;
  const verify = status.verify ? ` | verify ${status.verify.phase}: ${status.verify.checked} checked` : '';
  return `${status.name} ${bar} ${progress.percent.toFixed(1)}% ${counts} | ${pace} | ${eta}${verify}`;
}
