/**
 * An ARN names its partition: `arn:aws:` in the commercial regions, `arn:aws-us-gov:` in GovCloud
 * (which the schema's regions admit), `arn:aws-cn:` in China. One written with the wrong one is
 * not an error anywhere at deploy: a policy's Resource simply never matches, a Principal names an
 * account that cannot exist there, and Step Functions refuses the standard partition's service
 * integrations only when the task runs. The emulator has one partition and accepts them all.
 */
import { partitionOf } from '../../modules/naming';
import { violation, type RuleCheck } from '../rule';

/** Every `arn:<partition>:` in a value (policies and definitions are JSON text inside it). */
const ARN = /arn:(aws[a-z-]*):/g;

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsOf(item);
  else if (value !== null && typeof value === 'object') {
    // The construct metadata ('//') is cdktf's, not AWS's.
    for (const [key, item] of Object.entries(value)) if (key !== '//') yield* stringsOf(item);
  }
}

export const arnPartition: RuleCheck = ({ stack, config }) => {
  const partition = partitionOf(config.aws.region);
  return stack.resources.flatMap((resource) => {
    const wrong = new Set<string>();
    for (const text of stringsOf(resource.values)) {
      for (const match of text.matchAll(ARN)) if (match[1] !== partition) wrong.add(match[0]);
    }
    return wrong.size === 0 ? [] : [violation(resource, `names ARNs in ${[...wrong].join(', ')} but ${config.aws.region} is in ${partition}: they match nothing there`)];
  });
};
