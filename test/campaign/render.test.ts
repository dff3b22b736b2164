/** The status line: a bar, the counts, the rate and the ETA, from the summary item alone. */
import { progressOf, type CampaignStatus } from '../../lib/campaign/ledger';
import { renderStatus } from '../../lib/campaign/render';

const base: CampaignStatus = {
  name: 'reproc',
  phase: 'running',
  total: 1000,
  running: 50,
  succeeded: 400,
  failed: 20,
  missing: 0,
  abandoned: 0,
  waiting: 530,
  startedAt: '2026-11-30T10:00:00.000Z',
  spec: {} as CampaignStatus['spec'],
};
const at = (minutes: number) => new Date(Date.parse(base.startedAt) + minutes * 60000);

describe('campaign status', () => {
  it('counts the rate over every finished row and the ETA over what is left', () => {
    // 420 finished in 10 minutes: 42/min; 580 left: 13.8 minutes.
    expect(progressOf(base, at(10))).toEqual({ done: 400, percent: 40, perMinute: 42, etaSeconds: 829 });
  });

  it('renders a bar with done, failed, running and waiting, the rate and the ETA', () => {
    expect(renderStatus(base, at(10), 20)).toBe('reproc [########............] 40.0% done 400/1000, failed 20, running 50, waiting 530 | 42.0/min | ETA 13m49s');
  });

  it('says the phase instead of an ETA once the campaign is no longer running, and shows missing and abandoned rows', () => {
    const finished = { ...base, phase: 'finished' as const, running: 0, waiting: 0, succeeded: 970, failed: 0, missing: 20, abandoned: 10 };
    expect(renderStatus(finished, at(30), 10)).toBe('reproc [##########] 97.0% done 970/1000, failed 0, running 0, waiting 0, missing 20, abandoned 10 | 33.3/min | finished');
  });

  it('says a stopped campaign was stopped by its tolerance, with the tolerance and what to do', () => {
    const stopped = { ...base, phase: 'stopped' as const, running: 0, succeeded: 50, failed: 30, waiting: 920, spec: { limits: { toleratedFailurePercent: 2 } } as CampaignStatus['spec'] };
    expect(renderStatus(stopped, at(10), 10)).toBe(
      'reproc [#.........] 5.0% done 50/1000, failed 30, running 0, waiting 920 | 8.0/min | STOPPED: more failed than it tolerates (--tolerate 2%); report lists the failed rows',
    );
  });

  it('has no ETA before the first row finishes', () => {
    const fresh = { ...base, running: 10, succeeded: 0, failed: 0, waiting: 990 };
    expect(renderStatus(fresh, at(1), 10)).toBe('reproc [..........] 0.0% done 0/1000, failed 0, running 10, waiting 990 | 0.0/min | ETA unknown');
  });
});
