/**
 * The well-formedness rules for the identifiers an environment config carries.
 *
 * Each format is a zod string schema whose error text is an *expectation* ("a 12-digit AWS account
 * id, e.g. ..."): the loader prefixes the field path and appends what it found, so every message
 * reads "<file>:<line> <path>: expected <expectation>, found <value>".
 */
import { z } from 'zod';

/** A string schema that must match `pattern`; `expectation` is what the operator is told. */
function format(pattern: RegExp, expectation: string) {
  return z.string({ error: expectation }).regex(pattern, { error: expectation });
}

// Project and environment names end up inside bucket names (63 characters in all), so they are
// short, lower-case and DNS-safe. The naming module relies on these bounds.
export const projectName = format(
  /^[a-z][a-z0-9-]{0,14}[a-z0-9]$/,
  'a project name of 2-16 lower-case letters, digits or hyphens, starting with a letter, e.g. "swot"',
);

export const environmentName = format(
  /^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/,
  'an environment name of 1-16 lower-case letters, digits or hyphens, starting with a letter, e.g. "ops" or "adt-2"',
);

export const accountId = format(
  /^\d{12}$/,
  'a 12-digit AWS account id in quotes, e.g. "123456789012" (unquoted, YAML reads it as a number)',
);

const REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$/;
export const region = format(REGION, 'an AWS region such as "us-west-2"');

export const iamRoleArn = format(
  /^arn:aws(?:-us-gov|-cn)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  'an IAM role ARN, e.g. "arn:aws:iam::123456789012:role/pcm-deploy"',
);

/** Any IAM principal a policy may name: a role, a user or an account root. Never "*". */
export const iamPrincipalArn = format(
  /^arn:aws(?:-us-gov|-cn)?:(?:iam::\d{12}:(?:root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)|sts::\d{12}:assumed-role\/[\w+=,.@/-]+)$/,
  'an IAM principal ARN (role, user or account root), e.g. "arn:aws:iam::123456789012:role/daac-cnm"',
);

export const kinesisStreamArn = format(
  /^arn:aws(?:-us-gov|-cn)?:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/,
  'a Kinesis stream ARN, e.g. "arn:aws:kinesis:us-west-2:123456789012:stream/daac-cnm"',
);

export const vpcId = format(/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'a VPC id such as "vpc-0a1b2c3d4e5f67890"');

export const subnetId = format(
  /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  'a subnet id such as "subnet-0a1b2c3d4e5f67890"',
);

export const amiId = format(/^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'an AMI id such as "ami-0a1b2c3d4e5f67890"');

export const ssmParameterName = format(
  /^\/[a-zA-Z0-9_./-]{1,1010}$/,
  'an SSM parameter name starting with "/", e.g. "/pcm/amis/verdi"',
);

// Family (letters and a generation digit, optional attributes), a dot, a size.
export const instanceType = format(
  /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:nano|micro|small|medium|large|metal(?:-\d+xl)?|\d*xlarge)$/,
  'an EC2 instance type such as "c5.xlarge"',
);

/** Batch also accepts "optimal" and bare families ("c5") besides full instance types. */
export const batchInstanceType = format(
  /^(?:optimal|[a-z][a-z0-9-]*\d[a-z0-9-]*(?:\.(?:nano|micro|small|medium|large|metal(?:-\d+xl)?|\d*xlarge))?)$/,
  'an instance type ("c5.xlarge"), a family ("c5") or "optimal"',
);

// HySDS queue names become parts of autoscaling group, SQS and metric names.
export const queueName = format(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,47}$/,
  'a queue name of up to 48 letters, digits, "_" or "-", e.g. "job_worker-small"',
);

/** Batch compute environment, job queue and job definition names (the kit prefixes the venue). */
export const batchName = format(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,47}$/,
  'a name of up to 48 letters, digits, "_" or "-"',
);

export const dnsName = format(
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  'a lower-case DNS name such as "pcm-ops.example.org"',
);

export const releaseTag = format(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a release tag such as "v5.0.1" or "4.2.0"');

export const hysdsJobType = format(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  'a HySDS job type without the "job-" prefix, e.g. "ingest_staged"',
);

export const containerImage = format(
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9._/-]+(?::[A-Za-z0-9._-]{1,128}|@sha256:[0-9a-f]{64})$/,
  'a container image with a tag or digest, e.g. "123456789012.dkr.ecr.us-west-2.amazonaws.com/pge:4.2.0"',
);

/** A HySDS job package (what `sds pkg export` writes) by its file name in the code bucket. */
export const jobPackage = format(
  /^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}\.sdspkg\.tar(?:\.gz)?$/,
  'an sdspkg tarball file name, e.g. "container-pcm-pge:4.2.0.sdspkg.tar"',
);

/** An S3 key prefix: relative, ends with "/", no "//". */
/**
 * S3 allows "*" in a key, but the kit grants by prefix (`<bucket>/<prefix>*` in IAM and bucket
 * policies), where "*" is a wildcard: the prefix "a*" would grant every key starting with "a".
 */
export const s3Prefix = format(
  /^(?!\/)(?!.*\/\/)[A-Za-z0-9!_.'()/-]*[A-Za-z0-9!_.'()-]\/$/,
  `an S3 key prefix ending in "/", e.g. "products/" (letters, digits, / and !_.'()- only; no "*", which IAM reads as a wildcard)`,
);

export const s3Suffix = format(/^[A-Za-z0-9!_.*'()-]{1,64}$/, 'a file-name suffix such as ".met.json"');

const ISO_DATE = 'a calendar date as YYYY-MM-DD in quotes';
const ISO_DATE_SHAPE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
/** A real calendar date: the pattern alone lets "2026-02-31" through. */
export const isoDate = format(ISO_DATE_SHAPE, ISO_DATE).refine(
  (value) => {
    if (!ISO_DATE_SHAPE.test(value)) return true; // the pattern has reported it already
    const [year, month, day] = value.split('-').map(Number);
    return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  },
  { error: ISO_DATE },
);

// Tag limits from the AWS tagging rules; "aws:" is reserved by AWS.
export const tagKey = format(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, 'a tag key of 1-128 characters, not starting with "aws:"');
export const tagValue = format(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, 'a tag value of at most 256 characters');

/**
 * An IPv4 CIDR block in network form. Rejects host bits (10.0.0.1/16: AWS refuses it) and the
 * open internet (operator UIs are never world-reachable).
 */
export const operatorCidr = z.string({ error: 'an IPv4 CIDR block such as "10.0.0.0/16"' }).superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});

function cidrProblem(value: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return 'an IPv4 CIDR block such as "10.0.0.0/16"';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return 'an IPv4 CIDR block with octets 0-255 and a prefix of /0-/32';
  if (prefix < 8) return 'a CIDR block of /8 or narrower (operator interfaces must not be open to the internet)';
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const n = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `a network address without host bits (did you mean "${n}/${prefix}"?)`;
  }
  return undefined;
}

/** Reads the account id out of an ARN (IAM, STS, Kinesis, ...), or undefined if it has none. */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

/** A rule of the `npm run check` pack (check/pack.ts), e.g. PCM-EC2-4. */
export const checkRuleId = format(/^PCM-[A-Z0-9]+-\d+$/, 'a check rule id such as "PCM-EC2-4"');

/** A Terraform resource address as `npm run check` prints it: `<type>.<name>`. */
export const resourceAddress = format(
  /^aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/,
  'a resource address as npm run check prints it, e.g. "aws_instance.ci_instance_84C57EF1"',
);

/** Why an exception is safe, long enough to say something. */
export const suppressionReason = z
  .string({ error: 'a reason of at least 20 characters saying why the exception is safe' })
  .trim()
  .min(20, { error: 'a reason of at least 20 characters saying why the exception is safe' });
