/**
 * Harikiri: the consumer of `<VENUE>-queue`, the other half of HySDS's scale to zero.
 *
 * An idle verdi worker (harikiri_sqs.py) stops its services, sends its instance id as the message
 * body to `<VENUE>-queue`, and powers off an hour later. It never leaves its autoscaling group
 * itself, so without this consumer the group would replace every stopped worker at the same
 * desired capacity, forever. For each message this handler checks that the body is an instance
 * of one of this environment's worker groups, then terminates it through Auto Scaling with
 * `ShouldDecrementDesiredCapacity`, so the group shrinks by one.
 *
 * - An instance that is in no group any more (already terminated, or replaced) is done: nothing
 *   is left to shrink, and the message is deleted.
 * - A body that is not an instance id (harikiri_sqs.py sends whatever IMDS answered, a 401 page
 *   when tokens are required) and an instance of another group (not this environment's to
 *   terminate) are logged and fail, so they end in the queue's DLQ, whose alarm tells operators.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Env } from '../shared/env';
import { BadInputError } from '../shared/errors';
import { consoleLogger, invocationLogger, type Logger } from '../shared/log';
import { processSqsBatch } from '../shared/sqs-batch';
import { HARIKIRI_ENV } from './contract';

/** EC2 instance ids: `i-` and 8 or 17 hex digits. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const EXPECTED = 'an EC2 instance id (i-0123456789abcdef0) of one of this environment\'s worker groups, as harikiri_sqs.py sends it';

export interface HarikiriDeps {
  readonly autoscaling: AutoScalingClient;
  readonly groups: ReadonlySet<string>;
  readonly logger: Logger;
}

export function harikiriDepsFrom(env: Env): HarikiriDeps {
  return { autoscaling: new AutoScalingClient({}), groups: new Set(HARIKIRI_ENV.read(env).groups), logger: consoleLogger };
}

export type Outcome = 'terminated' | 'already-gone';

/** One message: the worker leaves its group, and the group's desired capacity drops by one. */
export async function retireWorker(deps: HarikiriDeps, body: string): Promise<Outcome> {
  const instanceId = body.trim();
  if (!INSTANCE_ID.test(instanceId)) {
    throw new BadInputError(`the message body is not an instance id (starts with ${JSON.stringify(body.slice(0, 60))})`, EXPECTED);
  }
  const found = await deps.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }));
  const member = found.AutoScalingInstances?.[0];
  if (!member || member.LifecycleState?.startsWith('Terminat')) {
    deps.logger.log('info', 'instance is in no group any more; nothing to do', { instanceId, lifecycleState: member?.LifecycleState });
    return 'already-gone';
  }
  const group = member.AutoScalingGroupName ?? '';
  if (!deps.groups.has(group)) {
    throw new BadInputError(`instance ${instanceId} belongs to group "${group}", which is not one of this environment's worker groups`, EXPECTED);
  }
  try {
    await deps.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true }));
  } catch (error) {
    // Gone between the two calls (another delivery of the same message, say): the same outcome.
    if (error instanceof Error && /not found|not part of|is not in/i.test(error.message)) {
      deps.logger.log('info', 'instance left its group meanwhile; nothing to do', { instanceId, group });
      return 'already-gone';
    }
    throw error;
  }
  deps.logger.log('info', 'idle worker terminated; its group shrinks by one', { instanceId, group });
  return 'terminated';
}

let cached: HarikiriDeps | undefined;

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  cached ??= harikiriDepsFrom(process.env);
  const deps = { ...cached, logger: invocationLogger(cached.logger, context) };
  return processSqsBatch(event, async (record: SQSRecord) => void (await retireWorker(deps, record.body)), deps.logger, EXPECTED);
}
