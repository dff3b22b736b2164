/**
 * lib/emulator/moto-launcher.py: moto_server with speed-ups that must change nothing but speed.
 * Checked at both levels: the patched functions against moto's and jsonpath_ng's own, in moto's Python
 * (the serializer on the same state read both ways); and a paginated listing through the launcher against the same listing through plain `moto_server`.
 * And the two Step Functions actions it adds, which the AWS provider calls for every state machine
 * and moto 5.2.1 lacks: ValidateStateMachineDefinition answers what moto's own CreateStateMachine
 * does with the definition, ListStateMachineVersions lists the versions moto keeps.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, ListStateMachineVersionsCommand, SFNClient, UpdateStateMachineCommand, ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { spawn } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EMULATOR_CREDENTIALS, emulatorCommand, freePort, startEmulator } from '../../lib/emulator/server';
import { HAS_MOTO, SEED_PATH } from '../support/moto';

const LAUNCHER = join(__dirname, '..', '..', 'lib', 'emulator', 'moto-launcher.py');
const python = emulatorCommand();
const withLauncher = HAS_MOTO && python.file !== 'moto_server' ? describe : describe.skip;
if (HAS_MOTO && python.file === 'moto_server') console.warn('SKIPPED: no Python that imports moto; the emulator runs as plain moto_server, without the launcher');

withLauncher('the moto launcher', () => {
  it('is how the kit starts the emulator where moto can be imported', () => {
    expect(python.args).toEqual([LAUNCHER]);
  });

  it("gives the same service list, timestamp texts and JSONPath matches as moto's and jsonpath_ng's own functions", () => {
    const script = `
import importlib.util, json, sys
import moto.backends as backends
from moto.core import serialize
original_modules = list(backends.list_of_moto_modules())
original_convert = serialize.TimestampSerializer._convert_timestamp_to_str
from jsonpath_ng.ext.parser import parse as original_ext_parse
from jsonpath_ng.parser import parse as original_parse
import werkzeug.serving
original_log_request = werkzeug.serving.WSGIRequestHandler.log_request
spec = importlib.util.spec_from_file_location("launcher", ${JSON.stringify(LAUNCHER)})
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)  # applies the patches; main() runs only as __main__
assert backends.list_of_moto_modules is not None
same_modules = list(backends.list_of_moto_modules()) == original_modules and "s3" in original_modules
ts = serialize.TimestampSerializer("iso8601")
values = ["2026-11-30T13:45:01.123456Z", "2026-11-30T13:45:01Z", "2026-11-30T13:45:01.123456+00:00", 1764510301, 1764510301.5]
formats = ["iso8601", "iso8601_zeroed", "rfc822", "unixtimestamp"]
pairs = [(v, f) for v in values for f in formats]
patched = [serialize.TimestampSerializer._convert_timestamp_to_str(ts, v, f) for v, f in pairs]
again = [serialize.TimestampSerializer._convert_timestamp_to_str(ts, v, f) for v, f in pairs]
expected = [original_convert(ts, v, f) for v, f in pairs]
# JSONPath: the paths the campaign definitions use, a filter and a wildcard, on a ledger-like item.
import jsonpath_ng, jsonpath_ng.ext
from moto.stepfunctions.parser.asl.utils import json_path
data = {"id": "g1", "Item": {"attempts": {"N": "2"}, "state": {"S": "failed"}}, "rows": [{"n": 1, "s": "a"}, {"n": 3, "s": "b"}], "Payload": {"x": [1, 2]}}
paths = ["$.id", "$.Item.attempts.N", "$..state", "$.rows[?(@.n > 1)].s", "$.rows[*].n", "$.Payload", "$.rows[0]"]
found = lambda parse, p: [(str(m.full_path), m.value) for m in parse(p).find(data)]
json_paths = {"same": all(found(jsonpath_ng.ext.parse, p) == found(original_ext_parse, p) and found(jsonpath_ng.parse, p) == found(original_parse, p) for p in paths if "?" not in p) and all(found(jsonpath_ng.ext.parse, p) == found(original_ext_parse, p) for p in paths),
              "shared": jsonpath_ng.ext.parse("$.id") is jsonpath_ng.ext.parse("$.id"),
              "motoUsesIt": json_path.parse is jsonpath_ng.ext.parse and json_path.extract_json("$.Item.attempts.N", data) == "2"}
import werkzeug.serving
print(json.dumps({"requestLogOff": werkzeug.serving.WSGIRequestHandler.log_request is not original_log_request, "listenQueue": werkzeug.serving.BaseWSGIServer.request_queue_size, "sameModules": same_modules, "patchedInPlace": serialize.TimestampSerializer._convert_timestamp_to_str is not original_convert, "patched": patched, "again": again, "expected": expected, "jsonPaths": json_paths}))
`;
    const out = spawnSync(python.file, ['-c', script], { encoding: 'utf8', env: { ...process.env, PCM_MOTO_REQUEST_LOG: '' } });
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout) as { sameModules: boolean; patchedInPlace: boolean; patched: unknown[]; again: unknown[]; expected: unknown[]; jsonPaths: Record<string, boolean>; listenQueue: number; requestLogOff: boolean };
    expect(result.sameModules).toBe(true);
    expect(result.patchedInPlace).toBe(true);
    expect(result.patched).toEqual(result.expected);
    expect(result.again).toEqual(result.expected);
    expect(result.jsonPaths).toEqual({ same: true, shared: true, motoUsesIt: true });
    // werkzeug's 128 dropped the interpreter's own calls when a campaign opened hundreds at once.
    expect(result.listenQueue).toBe(4096);
    // Each request's log line cost 13% of a deploy's emulator CPU, written to a discarded stderr.
    expect(result.requestLogOff).toBe(true);
  });

  it("serializes every kind of answer the deploys read exactly as moto's own serializer does (the alias-key cache)", () => {
    // One moto state, read twice: through moto's own attribute pickers, then through the launcher's
    // cached ones. The calls are the reads Terraform's AWS provider and the kit make most.
    const script = `
import importlib.util, json
from moto.core import serialize
original = {c: c.__dict__["get_possible_keys"] for c in (serialize.AttributePicker, serialize.XFormedAttributePicker)}
spec = importlib.util.spec_from_file_location("launcher", ${JSON.stringify(LAUNCHER)})
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)
patched = {c: c.__dict__["get_possible_keys"] for c in original}
import boto3
from moto import mock_aws
def use(pickers):
    for c, f in pickers.items(): setattr(c, "get_possible_keys", f)
with mock_aws():
    r = "us-west-2"
    ec2, iam, s3, sns, kms, cw, asg, sts = (boto3.client(n, region_name=r) for n in ("ec2", "iam", "s3", "sns", "kms", "cloudwatch", "autoscaling", "sts"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.create_launch_template(LaunchTemplateName="ltp", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro", "MetadataOptions": {"HttpTokens": "required"}})
    iam.create_role(RoleName="role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), Tags=[{"Key": "k", "Value": "v"}])
    iam.put_role_policy(RoleName="role", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    iam.create_instance_profile(InstanceProfileName="profile")
    iam.add_role_to_instance_profile(InstanceProfileName="profile", RoleName="role")
    s3.create_bucket(Bucket="pcm-check", CreateBucketConfiguration={"LocationConstraint": r})
    for k in ("a/1", "a/2", "b/1", "c"): s3.put_object(Bucket="pcm-check", Key=k, Body=k)
    s3.put_bucket_lifecycle_configuration(Bucket="pcm-check", LifecycleConfiguration={"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "a/"}, "Expiration": {"Days": 30}}]})
    topic = sns.create_topic(Name="t", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    key = kms.create_key(Description="k")["KeyMetadata"]["KeyId"]
    cw.put_metric_alarm(AlarmName="a", MetricName="m", Namespace="n", Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold", Dimensions=[{"Name": "QueueName", "Value": "q"}])
    asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="g", LaunchConfigurationName="lc", MinSize=0, MaxSize=2, VPCZoneIdentifier=subnet, Tags=[{"Key": "k", "Value": "v", "PropagateAtLaunch": True}])
    reads = [
        lambda: ec2.describe_vpcs(), lambda: ec2.describe_subnets(), lambda: ec2.describe_security_groups(GroupIds=[sg]),
        lambda: ec2.describe_launch_template_versions(LaunchTemplateName="ltp"),
        lambda: iam.get_role(RoleName="role"), lambda: iam.list_roles(), lambda: iam.get_role_policy(RoleName="role", PolicyName="p"), lambda: iam.get_instance_profile(InstanceProfileName="profile"),
        lambda: s3.list_objects_v2(Bucket="pcm-check"), lambda: s3.list_objects_v2(Bucket="pcm-check", Delimiter="/"), lambda: s3.list_object_versions(Bucket="pcm-check"), lambda: s3.get_bucket_lifecycle_configuration(Bucket="pcm-check"),
        lambda: sns.get_topic_attributes(TopicArn=topic), lambda: sns.list_topics(), lambda: kms.describe_key(KeyId=key),
        lambda: cw.describe_alarms(), lambda: asg.describe_auto_scaling_groups(), lambda: sts.get_caller_identity(),
    ]
    def read_all():
        out = []
        for read in reads:
            answer = read()
            answer.pop("ResponseMetadata", None)
            out.append(json.dumps(answer, default=str, sort_keys=True))
        return out
    use(original); expected = read_all()
    use(patched); first = read_all(); again = read_all()
print(json.dumps({"expected": expected, "first": first, "again": again, "patched": all(patched[c] is not original[c] for c in original)}))
`;
    const out = spawnSync(python.file, ['-c', script], { encoding: 'utf8', env: { ...process.env, PCM_MOTO_REQUEST_LOG: '' } });
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout) as { expected: string[]; first: string[]; again: string[]; patched: boolean };
    expect(result.patched).toBe(true);
    expect(result.expected).toHaveLength(18);
    expect(result.first).toEqual(result.expected);
    expect(result.again).toEqual(result.expected);
  }, 120000);

  it("writes every ListObjectsV2 answer byte for byte as moto's serializer does (the straight writer)", () => {
    // Each listing is written both ways on the same request: odd keys (XML specials, quotes,
    // non-ASCII, a tab, a percent), empty buckets, prefixes, delimiters, pages, StartAfter, MaxKeys 0,
    // FetchOwner, checksums, a storage class, with and without url encoding.
    const script = `
import importlib.util, json
from moto.s3 import responses as r
generic = r.S3Response.serialized
spec = importlib.util.spec_from_file_location("launcher", ${JSON.stringify(LAUNCHER)})
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)
straight = r.S3Response.serialized
import boto3
from moto import mock_aws
pairs = []
def both(self, action_result):
    if self._get_action() != "ListObjectsV2":
        return generic(self, action_result)
    a, b = generic(self, action_result), straight(self, action_result)
    strip = lambda h: {k: v for k, v in h.items() if k not in ("date", "x-amzn-requestid")}
    pairs.append(([a[0], strip(a[1]), a[2]], [b[0], strip(b[1]), b[2]]))
    return a
r.S3Response.serialized = both
with mock_aws():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="pcm-empty")
    s3.create_bucket(Bucket="pcm-x")
    keys = ["a/b c&<>\\"'é.txt", "a/2", "a/sub/3", "b/1", "top", "ü/ñ", "x%2Fy", "tab\\there"]
    for i, k in enumerate(keys):
        s3.put_object(Bucket="pcm-x", Key=k, Body=b"x" * i, **({"ChecksumAlgorithm": "SHA256"} if i % 2 else {}), **({"StorageClass": "STANDARD_IA"} if i == 3 else {}))
    calls = [dict(Bucket="pcm-empty"), dict(Bucket="pcm-empty", Prefix="none/"), dict(Bucket="pcm-x"), dict(Bucket="pcm-x", Prefix="a/"), dict(Bucket="pcm-x", Delimiter="/"),
             dict(Bucket="pcm-x", Delimiter="/", Prefix="a/"), dict(Bucket="pcm-x", MaxKeys=2), dict(Bucket="pcm-x", MaxKeys=0), dict(Bucket="pcm-x", FetchOwner=True),
             dict(Bucket="pcm-x", StartAfter="a/2"), dict(Bucket="pcm-x", Prefix="a/", Delimiter="/", FetchOwner=True, MaxKeys=1)]
    def list_all():
        for c in calls:
            page = s3.list_objects_v2(**c)
            while page.get("NextContinuationToken"):
                page = s3.list_objects_v2(**c, ContinuationToken=page["NextContinuationToken"])
    list_all()
    # boto3 always asks for url-encoded keys; the kit's Node SDK does not.
    s3.meta.events.register("before-parameter-build.s3.ListObjectsV2", lambda params, **kw: params.pop("EncodingType", None))
    list_all()
print(json.dumps({"pairs": pairs, "straightInstalled": straight is not generic}))
`;
    const out = spawnSync(python.file, ['-c', script], { encoding: 'utf8', env: { ...process.env, PCM_MOTO_REQUEST_LOG: '' }, maxBuffer: 16 * 1024 * 1024 });
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout) as { pairs: [unknown, unknown][]; straightInstalled: boolean };
    expect(result.straightInstalled).toBe(true);
    expect(result.pairs.length).toBeGreaterThanOrEqual(30);
    for (const [generic, straight] of result.pairs) expect(straight).toEqual(generic);
    // Not vacuous: some listings carry keys, owners, common prefixes and escaped text.
    const bodies = result.pairs.map(([generic]) => (generic as [number, unknown, string])[2]).join('');
    for (const part of ['<Contents><Key>', '<Owner>', '<CommonPrefixes>', '&amp;', '<ChecksumAlgorithm>SHA256', 'STANDARD_IA', '<NextContinuationToken>', '<StartAfter>']) expect(bodies).toContain(part);
  }, 120000);

  it('seeds objects in bulk for test set-up exactly as PutObject stores them, and refuses a missing bucket', async () => {
    const emulator = await startEmulator();
    try {
      const s3 = new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
      await s3.send(new CreateBucketCommand({ Bucket: 'seed-check' }));
      await s3.send(new PutObjectCommand({ Bucket: 'seed-check', Key: 'put/granule 1.tar.gz', Body: 'archive é' }));
      const seed = (body: unknown) => fetch(`${emulator.endpoint}${SEED_PATH}`, { method: 'POST', body: JSON.stringify(body) });
      const seeded = await seed({ bucket: 'seed-check', objects: [['seeded/granule 1.tar.gz', 'archive é'], ['seeded/granule 2.tar.gz', '']] });
      expect([seeded.status, await seeded.json()]).toEqual([200, { seeded: 2 }]);
      const head = async (Key: string) => {
        const { ETag, ContentLength } = await s3.send(new HeadObjectCommand({ Bucket: 'seed-check', Key }));
        return { ETag, ContentLength };
      };
      expect(await head('seeded/granule 1.tar.gz')).toEqual(await head('put/granule 1.tar.gz'));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'seed-check', Key: 'seeded/granule 1.tar.gz' }));
      expect(await got.Body!.transformToString()).toBe('archive é');
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'seed-check', Prefix: 'seeded/' }));
      expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([['seeded/granule 1.tar.gz', 10], ['seeded/granule 2.tar.gz', 0]]);
      const refused = await seed({ bucket: 'no-such-bucket', objects: [['k', 'v']] });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/MissingBucket|NoSuchBucket/);
    } finally {
      await emulator.stop();
    }
  }, 120000);

  it('answers a paginated ListObjectsV2 as plain moto_server does', async () => {
    const list = async (useLauncher: boolean) => {
      // Plain moto_server for the reference: the launcher is what startEmulator picks here.
      const emulator = useLauncher ? await startEmulator() : await startPlain();
      try {
        const s3 = new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
        await s3.send(new CreateBucketCommand({ Bucket: 'launcher-check' }));
        for (let i = 0; i < 1100; i += 50) {
          await Promise.all(Array.from({ length: 50 }, (_, j) => s3.send(new PutObjectCommand({ Bucket: 'launcher-check', Key: `outgoing/k${String(i + j).padStart(5, '0')}`, Body: `body ${i + j}` }))));
        }
        const pages: unknown[] = [];
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: 'launcher-check', Prefix: 'outgoing/', ContinuationToken: token }));
          for (const o of page.Contents ?? []) expect(o.LastModified).toBeInstanceOf(Date);
          pages.push({ keys: page.Contents?.map((o) => [o.Key, o.ETag, o.Size, o.StorageClass]), count: page.KeyCount, truncated: page.IsTruncated });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return pages;
      } finally {
        await emulator.stop();
      }
    };
    const [viaLauncher, plain] = [await list(true), await list(false)];
    expect(viaLauncher).toHaveLength(2);
    expect(viaLauncher).toEqual(plain);
  }, 300000);

  it('counts every one of many concurrent ADDs to one DynamoDB item, as DynamoDB does (plain moto_server loses some)', async () => {
    const emulator = await startEmulator();
    try {
      const db = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-west-2', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
      await db.send(new CreateTableCommand({ TableName: 't', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }] }));
      const add = () => db.send(new UpdateItemCommand({ TableName: 't', Key: { k: { S: 'summary' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
      await Promise.all(Array.from({ length: 20 }, async () => { for (let i = 0; i < 25; i++) await add(); }));
      const { Item } = await db.send(new GetItemCommand({ TableName: 't', Key: { k: { S: 'summary' } } }));
      expect(Item?.n).toEqual({ N: '500' });
    } finally {
      await emulator.stop();
    }
  }, 120000);

  it('answers ValidateStateMachineDefinition with what its own CreateStateMachine does with the definition', async () => {
    const emulator = await startEmulator();
    try {
      const sfn = new SFNClient({ endpoint: emulator.endpoint, region: 'us-west-2', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
      const definitions = {
        pass: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
        // A Distributed Map with an ItemBatcher, as the campaign state machine has: AWS takes it, moto's parser does not.
        batched: JSON.stringify({
          StartAt: 'M',
          States: { M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, ItemBatcher: { MaxItemsPerBatch: 5 }, End: true } },
        }),
        notJson: 'not json',
      };
      let n = 0;
      const outcomes = async () => {
        const out: Record<string, [string | undefined, string]> = {};
        for (const [name, definition] of Object.entries(definitions)) {
          const check = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition }));
          if (check.result === 'FAIL') expect(check.diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('ASLParserException') })]);
          const created = await sfn.send(new CreateStateMachineCommand({ name: `m${n++}`, definition, roleArn: 'arn:aws:iam::123456789012:role/states' })).then(
            () => 'created',
            // moto's refusal comes without an error code (the SDK cannot read it), so any error counts.
            () => 'refused',
          );
          out[name] = [check.result, created];
        }
        return out;
      };
      // moto stores any definition: the check says OK to all.
      expect(await outcomes()).toEqual({ pass: ['OK', 'created'], batched: ['OK', 'created'], notJson: ['OK', 'created'] });
      // With its interpreter on, moto parses each definition it is given: the check refuses what it refuses.
      const config = await fetch(`${emulator.endpoint}/moto-api/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }) });
      expect(config.ok).toBe(true);
      expect(await outcomes()).toEqual({ pass: ['OK', 'created'], batched: ['FAIL', 'refused'], notJson: ['FAIL', 'refused'] });
    } finally {
      await emulator.stop();
    }
  }, 120000);

  it('lists the versions moto keeps of a state machine, newest first, and refuses an unknown machine', async () => {
    const emulator = await startEmulator();
    try {
      const sfn = new SFNClient({ endpoint: emulator.endpoint, region: 'us-west-2', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
      const definition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
      const roleArn = 'arn:aws:iam::123456789012:role/states';
      const versions = async (arn: string) => (await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }))).stateMachineVersions?.map((v) => [v.stateMachineVersionArn, v.creationDate instanceof Date]);
      // What the kit deploys: nothing published (what the AWS provider reads after each create).
      const plain = (await sfn.send(new CreateStateMachineCommand({ name: 'plain', definition, roleArn }))).stateMachineArn!;
      expect(await versions(plain)).toEqual([]);
      const published = (await sfn.send(new CreateStateMachineCommand({ name: 'published', definition, roleArn, publish: true }))).stateMachineArn!;
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: published, definition, publish: true }));
      expect(await versions(published)).toEqual([
        [`${published}:2`, true],
        [`${published}:1`, true],
      ]);
      await expect(versions(`${plain}-gone`)).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    } finally {
      await emulator.stop();
    }
  }, 120000);
});

/** moto_server itself, as the launcher's reference. */
async function startPlain() {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop: async () => void child.kill() };
}
