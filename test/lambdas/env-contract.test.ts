/**
 * Environment contracts (lambdas/shared/env.ts): what a handler reads, what a construct may write,
 * and the messages of both sides. The `@ts-expect-error` lines are the type-level tests: `npm test`
 * type-checks this file, and a line that compiled (a contract that let a construct forget or
 * misspell a variable) would fail it as an unused directive. The same lines also run, for the
 * guard `write` keeps against callers that cast.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { CNM_R_CONSUMER_ENV } from '../../lambdas/cnm-r-consumer/contract';
import { boolean, ConfigError, environmentContract, integer, keyPrefix, list, optional, required, matching } from '../../lambdas/shared/env';
import { JOB_ENV, MOZART_ENV } from '../../lambdas/shared/mozart-contract';
import { STAGING_SUBMIT_ENV } from '../../lambdas/staging-submit/contract';

const SAMPLE = environmentContract('sample', {
  bucket: required('BUCKET'),
  prefix: keyPrefix('PREFIX'),
  role: optional('ROLE', matching(/^arn:aws:iam::\d{12}:role\/.+$/, 'arn:aws:iam::<account>:role/<name>')),
  batch: integer('BATCH', { fallback: 10, min: 1, max: 100 }),
  dryRun: boolean('DRY_RUN', { fallback: false }),
  groups: list('GROUPS', { pattern: /^[a-z-]+$/, expected: 'group name' }),
});
const GOOD = { BUCKET: 'b', PREFIX: 'in/', GROUPS: 'a,b' };

/** A real cdktf token, as a construct sees an attribute that is known only at deploy. */
function cdktfToken(): string {
  const stack = new TerraformStack(new App({ outdir: '/tmp/unused' }), 's');
  return new TerraformVariable(stack, 'v', { type: 'string' }).stringValue;
}

const staging = {
  mozart: { url: 'https://10.0.0.1' },
  datasetBucket: 'pcm-dev-dataset-111111111111',
  prefix: 'staging_area/',
  suffix: '.met.json',
  job: { type: 'ingest_staged', release: '4.0.0', queue: 'factotum-job_worker-small' },
  idempotencyTable: 'pcm-dev-idempotency',
};

describe('environment contracts: reading', () => {
  it('parses every variable into its type, with fallbacks for the unset', () => {
    expect(SAMPLE.read({ ...GOOD, ROLE: 'arn:aws:iam::123456789012:role/r', BATCH: ' 25 ', DRY_RUN: 'TRUE' })).toEqual({
      bucket: 'b',
      prefix: 'in/',
      role: 'arn:aws:iam::123456789012:role/r',
      batch: 25,
      dryRun: true,
      groups: ['a', 'b'],
    });
    const unset = SAMPLE.read(GOOD);
    expect(unset).toEqual({ bucket: 'b', prefix: 'in/', role: undefined, batch: 10, dryRun: false, groups: ['a', 'b'] });
    expect('role' in unset).toBe(true);
  });

  it('treats a blank variable as unset', () => {
    expect(SAMPLE.read({ ...GOOD, BATCH: '  ', ROLE: '' })).toMatchObject({ batch: 10, role: undefined });
    expect(() => SAMPLE.read({ ...GOOD, BUCKET: ' ' })).toThrow('environment variable BUCKET is not set; expected a non-empty value');
  });

  it('fails naming every missing or malformed variable at once, each with what it expects', () => {
    let error: unknown;
    try {
      SAMPLE.read({ PREFIX: '/in', ROLE: 'role/r', BATCH: '101', DRY_RUN: 'yes', GROUPS: 'A,b' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.split('\n')).toEqual([
      'environment variable BUCKET is not set; expected a non-empty value',
      'environment variable PREFIX is "/in"; expected a key prefix like "folder/" (ending in "/", not starting with one)',
      'environment variable ROLE is "role/r"; expected arn:aws:iam::<account>:role/<name>',
      'environment variable BATCH is "101"; expected a whole number from 1 to 100',
      'environment variable DRY_RUN is "yes"; expected true or false',
      'environment variable GROUPS is "A,b"; expected a comma-separated list of at least one group name',
    ]);
  });

  it('holds whole numbers to their bounds', () => {
    for (const bad of ['0', '101', '2.5', '1e', 'ten']) expect(() => SAMPLE.read({ ...GOOD, BATCH: bad })).toThrow(`BATCH is "${bad}"; expected a whole number from 1 to 100`);
    expect(SAMPLE.read({ ...GOOD, BATCH: '1' }).batch).toBe(1);
    expect(SAMPLE.read({ ...GOOD, BATCH: '100' }).batch).toBe(100);
  });

  it('wants a key prefix to end in "/" and not start with one', () => {
    for (const bad of ['staging_area', '/staging_area/']) expect(() => SAMPLE.read({ ...GOOD, PREFIX: bad })).toThrow(`PREFIX is "${bad}"`);
    expect(SAMPLE.read({ ...GOOD, PREFIX: 'a/b/' }).prefix).toBe('a/b/');
  });

  it('wants a list to name at least one item', () => {
    expect(SAMPLE.read({ ...GOOD, GROUPS: ' a , ,b ' }).groups).toEqual(['a', 'b']);
    expect(() => SAMPLE.read({ ...GOOD, GROUPS: ' , ' })).toThrow('GROUPS is " , "; expected a comma-separated list of at least one group name');
  });

  it('reads nested contracts into nested objects', () => {
    const config = STAGING_SUBMIT_ENV.read(STAGING_SUBMIT_ENV.write(staging));
    expect(config).toEqual({ ...staging, mozart: { url: 'https://10.0.0.1', insecureTls: false, timeoutMs: 10_000 }, job: { ...staging.job, priority: 0 } });
  });

  it("runs the contract's checks across members", () => {
    const env = { MOZART_URL: 'https://m', MESSAGES_BUCKET: 'b', CNM_R_PREFIX: 'cnm-r/received/', RECORD_PREFIX: 'cnm-r/', JOB_TYPE: 't', JOB_RELEASE: 'r', JOB_QUEUE: 'q', IDEMPOTENCY_TABLE: 't' };
    expect(() => CNM_R_CONSUMER_ENV.read(env)).toThrow('RECORD_PREFIX "cnm-r/" contains CNM_R_PREFIX "cnm-r/received/"');
    expect(CNM_R_CONSUMER_ENV.read({ ...env, RECORD_PREFIX: 'cnm-r/received/records/' }).recordPrefix).toBe('cnm-r/received/records/');
  });
});

describe('environment contracts: writing', () => {
  it('writes each variable as the text its reader parses back, leaving out unset optional ones', () => {
    const env = SAMPLE.write({ bucket: 'b', prefix: 'in/', batch: 25, dryRun: true, groups: ['a', 'b'], role: undefined });
    expect(env).toEqual({ BUCKET: 'b', PREFIX: 'in/', BATCH: '25', DRY_RUN: 'true', GROUPS: 'a,b' });
    expect(SAMPLE.read(env)).toEqual({ bucket: 'b', prefix: 'in/', role: undefined, batch: 25, dryRun: true, groups: ['a', 'b'] });
  });

  it('fails a literal value its handler would refuse, naming the variable, the config field, the value and what is expected', () => {
    expect(() => STAGING_SUBMIT_ENV.write({ ...staging, prefix: 'staging_area' }, { prefix: 'stagingArea.prefix' })).toThrow(
      new ConfigError(
        'staging-submit: the environment written for it is not one its handler accepts (each line: the variable, where its value came from, the value, and what the handler expects):\n' +
          '  STAGING_PREFIX (from stagingArea.prefix) is "staging_area"; expected a key prefix like "folder/" (ending in "/", not starting with one)',
      ),
    );
  });

  it('reports every bad value at once, nested ones with their own sources', () => {
    const write = () =>
      STAGING_SUBMIT_ENV.write(
        { ...staging, suffix: '', mozart: { url: 'mozart:443', caCertificate: 'not a PEM', timeoutMs: 5 }, job: { ...staging.job, priority: 12 } },
        { suffix: 'stagingArea.suffix', mozart: { caCertificate: 'tls.mozart.caCertificate' } },
      );
    expect(write).toThrow(/\n {2}MOZART_URL is "mozart:443"; expected http\(s\):\/\/<mozart host>\n/);
    expect(write).toThrow('\n  MOZART_CA_PEM (from tls.mozart.caCertificate) is not a PEM certificate; expected a PEM certificate');
    expect(write).toThrow('\n  MOZART_TIMEOUT_MS is "5"; expected a whole number from 100 to 60000');
    expect(write).toThrow('\n  STAGING_SUFFIX (from stagingArea.suffix) is empty; expected a non-empty value');
    expect(write).toThrow('\n  JOB_PRIORITY is "12"; expected a whole number from 0 to 9');
  });

  it('passes Terraform tokens through unchecked: their values exist only at deploy', () => {
    const token = cdktfToken();
    expect(token).toContain('${');
    const env = STAGING_SUBMIT_ENV.write({ ...staging, mozart: { url: `https://${token}` }, prefix: token, datasetBucket: '${aws_s3_bucket.dataset.bucket}' });
    expect(env).toMatchObject({ MOZART_URL: `https://${token}`, STAGING_PREFIX: token, DATASET_BUCKET: '${aws_s3_bucket.dataset.bucket}' });
  });

  it('runs a check across members when all of them are known at synthesis, naming their sources', () => {
    const values = { mozart: { url: 'https://m' }, messagesBucket: 'b', cnmRPrefix: 'cnm-r/received/', recordPrefix: 'cnm-r/', job: staging.job, idempotencyTable: 't' };
    expect(() => CNM_R_CONSUMER_ENV.write(values, { recordPrefix: 'PREFIXES.cnmRRecords' })).toThrow(
      '\n  RECORD_PREFIX "cnm-r/" contains CNM_R_PREFIX "cnm-r/received/"; expected the record prefix inside or beside it, never around it (RECORD_PREFIX from PREFIXES.cnmRRecords)',
    );
    // One of them a token: the handler checks it at its first invocation.
    expect(CNM_R_CONSUMER_ENV.write({ ...values, recordPrefix: cdktfToken() })).toHaveProperty('RECORD_PREFIX');
  });

  it('refuses a missing or misspelt variable at compile time, and at run time for a caller that casts', () => {
    const { suffix: _suffix, ...withoutSuffix } = staging;
    // @ts-expect-error -- STAGING_SUFFIX is needed: a construct cannot forget it
    expect(() => STAGING_SUBMIT_ENV.write(withoutSuffix)).toThrow('  STAGING_SUFFIX: not written; expected a non-empty value');
    // @ts-expect-error -- "sufix" is not a member: a construct cannot misspell one
    expect(() => STAGING_SUBMIT_ENV.write({ ...staging, sufix: '.met.json' })).toThrow('  sufix: not a member of staging-submit\'s contract (members: mozart, datasetBucket, prefix, suffix, job, idempotencyTable)');
    // @ts-expect-error -- nor a nested one
    expect(() => STAGING_SUBMIT_ENV.write({ ...staging, mozart: { url: 'https://m', insecure: true } })).toThrow("  insecure: not a member of Mozart's connection's contract");
    // @ts-expect-error -- a variable's own name is not a member either: members are the contract's keys
    expect(() => STAGING_SUBMIT_ENV.write({ ...staging, STAGING_PREFIX: 'x/' })).toThrow('  STAGING_PREFIX: not a member');
    // @ts-expect-error -- Mozart's URL is needed inside the nested contract
    expect(() => STAGING_SUBMIT_ENV.write({ ...staging, mozart: { insecureTls: true } })).toThrow('  MOZART_URL: not written; expected http(s)://<mozart host>');
    // @ts-expect-error -- a whole number is written as a number, not as text (at run time the text is what counts)
    expect(JOB_ENV.write({ ...staging.job, priority: '5' })).toMatchObject({ JOB_PRIORITY: '5' });
    // @ts-expect-error -- a source names a member too
    expect(() => STAGING_SUBMIT_ENV.write(staging, { sufix: 'stagingArea.suffix' })).not.toThrow();
  });

  it('lets optional variables and those with a fallback be left out', () => {
    expect(MOZART_ENV.write({ url: 'https://m' })).toEqual({ MOZART_URL: 'https://m' });
    expect(MOZART_ENV.write({ url: 'https://m', insecureTls: false, timeoutMs: 2000 })).toEqual({ MOZART_URL: 'https://m', MOZART_TLS_INSECURE: 'false', MOZART_TIMEOUT_MS: '2000' });
  });
});

describe('environment contracts: declaring', () => {
  it('refuses a variable declared twice, as composing two contracts could', () => {
    expect(() => environmentContract('twice', { job: JOB_ENV, priority: integer('JOB_PRIORITY', { fallback: 0, min: 0, max: 9 }) })).toThrow(
      'environment contract twice: variable JOB_PRIORITY is declared twice',
    );
  });

  it('refuses a check over a nested contract: write could not tell whether it is known at synthesis', () => {
    expect(() => STAGING_SUBMIT_ENV.withCheck(['mozart'], () => undefined)).toThrow('environment contract staging-submit: a check reads variables, and mozart is a contract');
  });

  it('refuses a fallback outside its own bounds', () => {
    expect(() => integer('N', { fallback: 0, min: 1, max: 9 })).toThrow('environment variable N: the fallback 0 is not a whole number from 1 to 9');
  });

  it('names each member\'s variable, nested ones nested', () => {
    expect(STAGING_SUBMIT_ENV.names).toMatchObject({ prefix: 'STAGING_PREFIX', suffix: 'STAGING_SUFFIX', mozart: { url: 'MOZART_URL', caCertificate: 'MOZART_CA_PEM' }, job: { queue: 'JOB_QUEUE' } });
    expect(STAGING_SUBMIT_ENV.variables.filter((v) => v.needed).map((v) => v.name)).toEqual([
      'MOZART_URL',
      'DATASET_BUCKET',
      'STAGING_PREFIX',
      'STAGING_SUFFIX',
      'JOB_TYPE',
      'JOB_RELEASE',
      'JOB_QUEUE',
      'IDEMPOTENCY_TABLE',
    ]);
  });
});
