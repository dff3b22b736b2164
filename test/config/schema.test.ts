/**
 * Bad environment files: each must be refused with a message naming the file, the line, the field
 * path, what was expected and what was found.
 */
import { problemsWith } from '../support/examples';
import { FIXTURE, fixtureData, fixtureProblems, type FixtureName } from '../support/fixtures';

interface BadInput {
  readonly name: string;
  readonly env?: FixtureName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fixture's raw data (fixtureData), broken on purpose
  readonly change: (data: any) => void;
  /** The field path the message must name. */
  readonly field: string;
  /** A phrase of the expectation or the finding. */
  readonly says: string;
}

const BAD_INPUTS: readonly BadInput[] = [
  { name: 'account id typed as a number', change: (d) => (d.aws.accountId = 111111111111), field: 'aws.accountId', says: 'in quotes' },
  { name: 'account id of 11 digits', change: (d) => (d.aws.accountId = '11111111111'), field: 'aws.accountId', says: '"11111111111"' },
  { name: 'unknown region', change: (d) => (d.aws.region = 'us-westt-2'), field: 'aws.region', says: 'an AWS region' },
  { name: 'deploy role that is not an ARN', change: (d) => (d.aws.deployRoleArn = 'pcm-deploy'), field: 'aws.deployRoleArn', says: 'an IAM role ARN' },
  {
    name: 'deploy role in another account',
    change: (d) => (d.aws.deployRoleArn = 'arn:aws:iam::999999999999:role/pcm-deploy'),
    field: 'aws.deployRoleArn',
    says: `a role in this environment's account aws.accountId "${FIXTURE.accounts.dev}"`,
  },
  { name: 'unknown kind', change: (d) => (d.environment.kind = 'prod'), field: 'environment.kind', says: 'one of dev, int, ops' },
  { name: 'name that differs from the file', change: (d) => (d.environment.name = 'dev2'), field: 'environment.name', says: 'the file\'s name "dev"' },
  { name: 'upper-case project', change: (d) => (d.project = 'SWOT'), field: 'project', says: 'lower-case' },
  { name: 'misspelt field', change: (d) => ((d.network.vpcID = d.network.vpcId), delete d.network.vpcId), field: 'network.vpcID', says: 'did you mean "vpcId"' },
  { name: 'missing section', change: (d) => delete d.core, field: 'core', says: 'the field is missing' },
  { name: 'malformed VPC id', change: (d) => (d.network.vpcId = 'vpc-12'), field: 'network.vpcId', says: 'a VPC id' },
  { name: 'no private subnets', change: (d) => (d.network.privateSubnetIds = []), field: 'network.privateSubnetIds', says: 'at least one private subnet id' },
  { name: 'malformed subnet id', change: (d) => (d.network.privateSubnetIds[1] = 'subnet_1'), field: 'network.privateSubnetIds[1]', says: 'a subnet id' },
  { name: 'CIDR with host bits', change: (d) => (d.network.operatorCidrs[0] = '10.10.1.7/16'), field: 'network.operatorCidrs[0]', says: 'did you mean "10.10.0.0/16"' },
  { name: 'operator UIs open to the internet', change: (d) => (d.network.operatorCidrs = ['0.0.0.0/0']), field: 'network.operatorCidrs[0]', says: 'must not be open to the internet' },
  { name: 'CIDR with an octet over 255', change: (d) => (d.network.operatorCidrs[0] = '10.300.0.0/16'), field: 'network.operatorCidrs[0]', says: 'octets 0-255' },
  { name: 'malformed instance type', change: (d) => (d.core.mozart.instanceType = 'm6i-xlarge'), field: 'core.mozart.instanceType', says: 'an EC2 instance type' },
  { name: 'root volume too small', change: (d) => (d.core.grq.rootVolumeGiB = 4), field: 'core.grq.rootVolumeGiB', says: 'from 8 to 16384' },
  { name: 'queue min above max', change: (d) => (d.workers.queues[0].min = 9), field: 'workers.queues[0].min', says: 'at most max (4)' },
  { name: 'negative queue maximum', change: (d) => (d.workers.queues[0].max = -1), field: 'workers.queues[0].max', says: '>= 0' },
  { name: 'duplicate queue name', env: 'int', change: (d) => (d.workers.queues[1].name = d.workers.queues[0].name), field: 'workers.queues[1].name', says: 'not used by an earlier queue' },
  { name: 'on-demand share over 100', change: (d) => (d.workers.queues[0].onDemandPercentage = 150), field: 'workers.queues[0].onDemandPercentage', says: 'from 0 to 100' },
  { name: 'fractional instance count', change: (d) => (d.workers.queues[0].max = 2.5), field: 'workers.queues[0].max', says: 'whole number' },
  { name: 'job queue naming an unknown compute environment', change: (d) => (d.batch.jobQueues[0].computeEnvironments = ['spott']), field: 'batch.jobQueues[0].computeEnvironments[0]', says: 'one of batch.computeEnvironments (spot)' },
  { name: 'job definition naming an unknown container', change: (d) => (d.batch.jobDefinitions[0].container = 'l0b'), field: 'batch.jobDefinitions[0].container', says: 'one of release.containers (pge)' },
  { name: 'Batch timeout under a minute', change: (d) => (d.batch.jobDefinitions[0].timeoutSeconds = 30), field: 'batch.jobDefinitions[0].timeoutSeconds', says: '>= 60' },
  { name: 'Batch minVcpus above maxVcpus', change: (d) => (d.batch.computeEnvironments[0].minVcpus = 1000), field: 'batch.computeEnvironments[0].minVcpus', says: 'at most maxVcpus (64)' },
  { name: 'unknown AMI release', change: (d) => (d.release.amiRelease = '2027.01.0'), field: 'release.amiRelease', says: 'known releases: 2026.11.0, 2026.08.1' },
  {
    name: 'AMI release without images in the region',
    change: (d) => ((d.release.amiRelease = '2026.08.1'), (d.aws.region = 'us-east-1')),
    field: 'release.amiRelease',
    says: 'has no images in us-east-1',
  },
  { name: 'malformed AMI override', change: (d) => (d.release.amiOverrides = { verdi: { amiId: 'ami-xyz' } }), field: 'release.amiOverrides.verdi.amiId', says: 'an AMI id' },
  { name: 'override of an unknown component', change: (d) => (d.release.amiOverrides = { worker: { amiId: 'ami-0123456789abcdef0' } }), field: 'release.amiOverrides.worker', says: 'allowed here: mozart' },
  { name: 'CNM version "1.6"', change: (d) => (d.cnm.version = '1.6'), field: 'cnm.version', says: '"1.6.0"' },
  { name: 'wildcard DAAC publisher', change: (d) => (d.cnm.daac.publisherPrincipals = ['*']), field: 'cnm.daac.publisherPrincipals[0]', says: 'an IAM principal ARN' },
  {
    name: 'DAAC publisher outside the DAAC account',
    change: (d) => (d.cnm.daac.publisherPrincipals = ['arn:aws:iam::123456789012:root']),
    field: 'cnm.daac.publisherPrincipals[0]',
    says: 'a principal in the DAAC account',
  },
  { name: 'unknown CNM-S stream mode', change: (d) => (d.cnm.daac.cnmS = { stream: 'kinesis' }), field: 'cnm.daac.cnmS.stream', says: '"stand-in" or stream: "external"' },
  { name: 'external stream without its ARN', env: 'ops', change: (d) => delete d.cnm.daac.cnmS.streamArn, field: 'cnm.daac.cnmS.streamArn', says: 'a Kinesis stream ARN' },
  { name: 'CNES batch interval of zero', change: (d) => (d.cnm.cnes.batchIntervalMinutes = 0), field: 'cnm.cnes.batchIntervalMinutes', says: 'from 1 to 1440' },
  { name: 'staging prefix without a slash', change: (d) => (d.stagingArea.prefix = 'staging_area'), field: 'stagingArea.prefix', says: 'ending in "/"' },
  // The kit grants `<bucket>/<prefix>*`: a "*" in the prefix would widen the grant past it.
  { name: 'wildcard in a shared prefix', env: 'adt', change: (d) => (d.storage.sharedFrom.grants[0].prefixes = ['prod*/']), field: 'storage.sharedFrom.grants[0].prefixes[0]', says: 'no "*", which IAM reads as a wildcard' },
  { name: 'tag that redefines a managed tag', change: (d) => (d.tags = { environment: 'prod' }), field: 'tags.environment', says: 'which the kit sets itself' },
  { name: 'reserved aws: tag key', change: (d) => (d.tags = { 'aws:owner': 'me' }), field: 'tags.aws:owner', says: 'not starting with "aws:"' },
  { name: 'adt without a lifetime', env: 'adt', change: (d) => delete d.protection.lifetime, field: 'protection.lifetime', says: 'which kind "adt" requires' },
  { name: 'lifetime on a persistent kind', change: (d) => (d.protection.lifetime = { expiresOn: '2027-01-01' }), field: 'protection.lifetime', says: 'kind "dev" is not temporary' },
  { name: 'lifetime on a day that does not exist', env: 'adt', change: (d) => (d.protection.lifetime.expiresOn = '2027-02-31'), field: 'protection.lifetime.expiresOn', says: 'a calendar date' },
  { name: 'lifetime date in another format', env: 'adt', change: (d) => (d.protection.lifetime.expiresOn = '31/03/2027'), field: 'protection.lifetime.expiresOn', says: 'YYYY-MM-DD' },
  { name: 'deletion protection as a string', change: (d) => (d.protection.deletionProtection = 'yes'), field: 'protection.deletionProtection', says: 'true or false' },
  { name: 'storage owner that does not exist', env: 'forward', change: (d) => (d.storage.sharedFrom.environment = 'opss'), field: 'storage.sharedFrom.environment', says: 'an existing environment' },
  { name: 'storage owner that is not ops-like', env: 'adt', change: (d) => (d.storage.sharedFrom.environment = 'dev'), field: 'storage.sharedFrom.environment', says: 'an ops-like environment' },
  { name: 'grant on an unknown bucket', env: 'forward', change: (d) => (d.storage.sharedFrom.grants[0].bucket = 'products'), field: 'storage.sharedFrom.grants[0].bucket', says: 'one of dataset, archive' },
  { name: 'temporary environment that writes shared data', env: 'adt', change: (d) => (d.storage.sharedFrom.grants[0].access = 'read-write'), field: 'storage.sharedFrom.grants[0].access', says: 'only reads shared data' },
  {
    name: 'DAAC stream in another account than the DAAC',
    env: 'ops',
    change: (d) => (d.cnm.daac.cnmS.streamArn = 'arn:aws:kinesis:us-west-2:999999999999:stream/x'),
    field: 'cnm.daac.cnmS.streamArn',
    says: 'an ARN in the DAAC account',
  },
  { name: 'grant with an unknown access level', env: 'forward', change: (d) => (d.storage.sharedFrom.grants[0].access = 'write'), field: 'storage.sharedFrom.grants[0].access', says: 'read, read-write or read-write-delete' },
  { name: "mozart's CA that is not a certificate", change: (d) => (d.tls = { mozart: { caCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' } }), field: 'tls.mozart.caCertificate', says: 'that parses' },
  { name: 'mozart verification off without a reason', change: (d) => (d.tls = { mozart: { verify: false } }), field: 'tls.mozart', says: '{caCertificate: "<PEM>"} or {verify: false, reason: "..."}' },
  { name: 'an alert address that is not one', change: (d) => (d.alerts = { emails: ['ops team'] }), field: 'alerts.emails[0]', says: 'an email address' },
  { name: 'an SQS concurrency below what Lambda takes', change: (d) => (d.lambdas = { sqsMaximumConcurrency: 1 }), field: 'lambdas.sqsMaximumConcurrency', says: 'a whole number from 2 to 1000' },
];

describe('environment config validation', () => {
  it('accepts the six example environments', () => {
    expect(problemsWith({})).toEqual([]);
  });

  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('fails on %s', (_, c) => {
    const env = c.env ?? 'dev';
    const data = fixtureData(env);
    c.change(data);
    const problems = fixtureProblems({ [env]: data });
    const location = new RegExp(`^environments/${env}\\.yaml:\\d+: ${c.field.replace(/[.[\]]/g, '\\$&')}: expected `);
    const match = problems.find((p) => location.test(p));
    expect({ problems, match: match !== undefined }).toEqual({ problems, match: true });
    expect(match).toContain(c.says);
    expect(match).toMatch(/, found /);
  });

  it('has at least 25 distinct bad inputs, each naming a different problem', () => {
    expect(new Set(BAD_INPUTS.map((c) => `${c.field}|${c.says}`)).size).toBe(BAD_INPUTS.length);
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(25);
  });
});
