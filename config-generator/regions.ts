/**
 * The regions of each AWS partition, and the checks of single answers that the schema's formats
 * cannot make alone (a region that exists, a date still to come). The loader (checks.ts) and the
 * wizard (each answer as it is given) use the same functions, so both say the same thing.
 */

/** Regions per partition, as AWS lists them (opt-in regions included). Update when AWS adds one. */
export const PARTITION_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
    'af-south-1',
    'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
    'ca-central-1', 'ca-west-1',
    'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
    'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  ],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
};

/** The partition an ARN is in ("arn:aws-us-gov:..." -> aws-us-gov); aws when there is none. */
export function partitionOf(arn: string | undefined): string {
  const partition = arn?.split(':')[1];
  return partition && partition in PARTITION_REGIONS ? partition : 'aws';
}

/** Why a region is not one of the partition's, or undefined when it is. */
export function regionProblem(region: string, partition = 'aws'): string | undefined {
  const regions = PARTITION_REGIONS[partition] ?? PARTITION_REGIONS.aws;
  if (regions.includes(region)) return undefined;
  const home = Object.entries(PARTITION_REGIONS).find(([, list]) => list.includes(region))?.[0];
  return home
    ? `a region of the ${partition} partition (the deploy role's); ${region} is in ${home}`
    : `a region that exists in the ${partition} partition (${regions.slice(0, 4).join(', ')}, ...)`;
}

/** Today as YYYY-MM-DD in UTC, the form dates in environment files take. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Why a lifetime's end is not after today, or undefined when it is. */
export function pastDateProblem(date: string, today: string): string | undefined {
  return date > today ? undefined : `a date after today (${today}): on that date every object of the environment's buckets expires`;
}
