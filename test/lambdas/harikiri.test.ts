/**
 * The harikiri handler against moto's Auto Scaling, with real groups and instances: HySDS's
 * harikiri_sqs.py sends an idle worker's instance id (whatever IMDS answered) to <VENUE>-queue;
 * the handler takes the worker out of its group and the group's desired capacity drops by one.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { HARIKIRI_ENV } from '../../lambdas/harikiri/contract';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { consoleLines, lambdaContext, sqsRecord, useEmulator } from './support/aws';

const withMoto = HAS_MOTO ? describe : describe.skip;
const OURS = 'pcm-test-job_worker-small';
const THEIRS = 'pcm-other-job_worker-small';

withMoto('harikiri against moto Auto Scaling', () => {
  let moto: Moto;
  let autoscaling: AutoScalingClient;
  let handler: typeof import('../../lambdas/harikiri/handler').handler;

  const group = async (name: string) => (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
  const instancesOf = async (name: string) => ((await group(name)).Instances ?? []).filter((i) => !i.LifecycleState?.startsWith('Terminat')).map((i) => i.InstanceId!);
  /** harikiri_sqs.py's message: the body is the instance id as IMDS gave it. */
  const deliver = (...bodies: string[]) => handler({ Records: bodies.map((body) => sqsRecord(body)) });

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    Object.assign(process.env, HARIKIRI_ENV.write({ groups: [OURS, 'pcm-test-job_worker-large'] }));
    ({ handler } = await import('../../lambdas/harikiri/handler'));
    const ec2 = new EC2Client({});
    autoscaling = new AutoScalingClient({});
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'us-west-2a' }));
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0].ImageId!;
    const template = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'verdi', LaunchTemplateData: { ImageId: image, InstanceType: 't3.micro' } }));
    for (const name of [OURS, THEIRS]) {
      await autoscaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: 0,
          MaxSize: 5,
          DesiredCapacity: 3,
          LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate!.LaunchTemplateId!, Version: '$Latest' },
          VPCZoneIdentifier: subnet.Subnet!.SubnetId!,
        }),
      );
    }
  }, 60000);
  afterAll(async () => moto?.stop());

  it('terminates an idle worker of this environment and shrinks its group by one', async () => {
    const [idle, busy] = await instancesOf(OURS);
    const result = await deliver(`${idle}\n`);
    expect(result.batchItemFailures).toEqual([]);
    expect((await group(OURS)).DesiredCapacity).toBe(2);
    expect(await instancesOf(OURS)).not.toContain(idle);
    expect(await instancesOf(OURS)).toContain(busy);
  });

  it('counts the same id delivered again as done, and shrinks the group only once', async () => {
    const [idle] = await instancesOf(OURS);
    expect((await deliver(idle)).batchItemFailures).toEqual([]);
    const after = (await group(OURS)).DesiredCapacity;
    expect((await deliver(idle)).batchItemFailures).toEqual([]);
    expect((await group(OURS)).DesiredCapacity).toBe(after);
  });

  it('counts an instance in no group (already gone) as done', async () => {
    expect((await deliver('i-0123456789abcdef0')).batchItemFailures).toEqual([]);
  });

  it('refuses an instance of another environment’s group, which stays as it was (to the DLQ)', async () => {
    const [theirs] = await instancesOf(THEIRS);
    const record = sqsRecord(theirs);
    expect((await handler({ Records: [record] })).batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect((await group(THEIRS)).DesiredCapacity).toBe(3);
    expect(await instancesOf(THEIRS)).toContain(theirs);
  });

  it('refuses a body that is no instance id (an IMDS 401 page), alone, and goes on with the rest', async () => {
    const garbage = sqsRecord('<?xml version="1.0"?><Error><Code>Unauthorized</Code></Error>');
    const [idle] = await instancesOf(OURS);
    const before = (await group(OURS)).DesiredCapacity!;
    const result = await handler({ Records: [garbage, sqsRecord(idle)] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: garbage.messageId }]);
    expect((await group(OURS)).DesiredCapacity).toBe(before - 1);
  });

  it('tags each of its log lines with the invocation\'s request id', async () => {
    const garbage = sqsRecord('not an instance id');
    const { result, lines } = await consoleLines(() => handler({ Records: [garbage, sqsRecord('i-0123456789abcdef0')] }, lambdaContext('req-H', 'pcm-test-harikiri')));
    expect(result?.batchItemFailures).toEqual([{ itemIdentifier: garbage.messageId }]);
    expect(lines.map((l) => [l.level, l.requestId, l.functionName])).toEqual([
      ['error', 'req-H', 'pcm-test-harikiri'],
      ['info', 'req-H', 'pcm-test-harikiri'],
    ]);
  });
});
