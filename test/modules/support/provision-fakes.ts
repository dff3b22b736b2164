/**
 * Stand-ins for the two commands the provisioning script calls that no test can reach for real:
 * `sds` (HySDS's CLI on mozart) and `aws` (the AWS CLI with the instance role). Each records its
 * arguments, one call a line; `FAIL_AT` names a call to fail (a word of its arguments).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SDS = `#!/bin/bash
echo "sds $*" >> "$CALLS"
case " $* " in *" $FAIL_AT "*) echo "sds $1 failed: RabbitMQ is not answering" >&2; exit 1 ;; esac
exit 0
`;

const AWS = `#!/bin/bash
echo "aws $*" >> "$CALLS"
# Reports are never the injected failure (their text may quote the failing call).
[ "$1" != logs ] && case " $* " in *" $FAIL_AT "*) echo "An error occurred (AccessDenied) when calling $2" >&2; exit 254 ;; esac
case "$1 $2" in
  "ec2 describe-instances") echo "i-0000000000000000a i-0000000000000000b i-0000000000000000c" ;;
  "s3 cp")
    for dest; do :; done
    case "$*" in *sds-config.yaml*) printf "TYPE: hysds\\nVENUE: 'pcm-test'\\nQUEUES:\\n  - QUEUE_NAME: 'q'\\n" > "$dest" ;; *) echo package > "$dest" ;; esac ;;
  "secretsmanager get-secret-value")
    if [ -f "$FAKE_STATE/secret" ]; then cat "$FAKE_STATE/secret"; else
      echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" >&2; exit 254; fi ;;
  "secretsmanager put-secret-value")
    while [ $# -gt 0 ]; do [ "$1" = --secret-string ] && printf '%s\\n' "$2" > "$FAKE_STATE/secret"; shift; done ;;
  "logs put-log-events")
    while [ $# -gt 0 ]; do [ "$1" = --log-events ] && printf '%s\\n' "$2" >> "$FAKE_STATE/log-events"; shift; done ;;
esac
exit 0
`;

/** Writes the stand-ins into `dir/bin` and returns the folder to put first on PATH. */
export function writeFakes(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, text] of [['sds', SDS], ['aws', AWS]] as const) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}
