/**
 * Progress as the commands show it on stdout: live lines at a terminal that can move its cursor,
 * plain lines otherwise (CI, pipes, TERM=dumb), colour by the kit's one rule; and Terraform's
 * full log in a file whose path is printed once the run starts printing.
 */
import { ProgressView } from '../lib/progress/progress-view';
import { openRunLog, type RunLog } from '../lib/progress/run-log';
import { colourOn } from './command';

export function stdoutProgress(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): ProgressView {
  return new ProgressView({
    write: (text) => stream.write(text),
    live: Boolean(stream.isTTY) && env.TERM !== 'dumb',
    colour: colourOn(stream, env),
    columns: () => stream.columns,
  });
}

export interface FollowedRun {
  /** For runCdktf's onOutput. */
  readonly onOutput: (chunk: string) => void;
  /** The run ended; returns the log's path, if it printed anything. */
  end(ok: boolean): string | undefined;
}

/**
 * Follows one cdktf run of `environment`'s `stacks` on the view. The log file is opened on the
 * first output, so a run refused before cdktf starts (wrong account) leaves no empty log behind.
 */
export function followRun(view: ProgressView, environment: string, command: string, stacks: readonly string[]): FollowedRun {
  const feed = view.feed({ stacks });
  let log: RunLog | undefined;
  return {
    onOutput: (chunk) => {
      if (!log) {
        log = openRunLog(environment, command);
        view.print(`${environment}: full Terraform log in ${log.path}`);
      }
      log.write(chunk);
      feed.write(chunk);
    },
    end: (ok) => {
      log?.close();
      feed.end(ok);
      return log?.path;
    },
  };
}
