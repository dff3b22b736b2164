/**
 * The flags of every command, as tables: cli/command.ts parses them, prints --help from them and
 * suggests the nearest on a typo. Adding a flag to a command is one line here (and reading it
 * in the command). Pure data, so tests and docs read them without running a command.
 */
import type { CommandSpec, Flag } from './command';

/** The flags of the commands that act on environments. */
const ENV_FLAGS = {
  env: { type: 'string', value: 'NAME', help: 'the environment (a file environments/<NAME>.yaml)' },
  dir: { type: 'string', value: 'DIR', help: 'folder of environment files (default: environments/)' },
} as const;

export const CONFIGURE = {
  name: 'configure',
  summary: 'Writes a checked, commented environments/<name>.yaml, by questions or answers.',
  flags: {
    defaults: { type: 'boolean', help: 'no questions: take every default; fail on what has none' },
    answers: { type: 'string', value: 'FILE', help: 'no questions: answers from a YAML file shaped like a config' },
    from: { type: 'string', value: 'FILE', help: 'no questions: start from an existing environment file' },
    set: { type: 'string', value: 'PATH=VALUE', multiple: true, help: 'one field, e.g. aws.region=us-east-1' },
    out: { type: 'string', value: 'FILE', help: 'write here instead of environments/<name>.yaml' },
    dir: { type: 'string', value: 'DIR', help: 'folder of environment files (default: environments/)' },
    force: { type: 'boolean', help: 'overwrite an existing file without asking' },
    yes: { type: 'boolean', short: 'y', help: 'same as --force' },
  },
  examples: [
    'npm run configure',
    'npm run configure -- --answers environments/answers/ops.yaml',
    'npm run configure -- --from environments/ops.yaml --set environment.name=ops-2',
  ],
} as const;

export const CHECK = {
  name: 'check',
  summary: "Checks an environment's synthesized stacks against the kit's guard rails.",
  flags: {
    env: { ...ENV_FLAGS.env, help: 'the environment to check (a file environments/<NAME>.yaml)' },
    all: { type: 'boolean', help: 'every environment file' },
    json: { type: 'boolean', help: 'the report as JSON on stdout, for machines' },
    out: { type: 'string', value: 'FILE', help: 'also write the JSON report to FILE' },
    rules: { type: 'boolean', help: 'list the rules and exit' },
    dir: ENV_FLAGS.dir,
  },
  examples: ['npm run check -- --env ops', 'npm run check -- --all --json --out report.json', 'npm run check -- --rules'],
} as const;

export const DEPLOY = {
  name: 'deploy',
  summary: "Deploys an environment's two stacks, once the credentials are in its account.",
  flags: {
    env: ENV_FLAGS.env,
    plan: { type: 'boolean', help: 'show what would change, change nothing' },
    'auto-approve': { type: 'boolean', help: 'no question before deploying an ops-like kind (pipelines)' },
    dir: ENV_FLAGS.dir,
    'no-wait': { type: 'boolean', help: 'do not wait for provisioning on mozart (its log is named)' },
    timeout: { type: 'string', value: 'MIN', help: 'minutes to wait for provisioning (default: config, or 90)' },
  },
  examples: ['npm run deploy -- --env dev', 'npm run deploy -- --env ops --plan', 'npm run deploy -- --env ops --auto-approve', 'npm run deploy -- --env dev --no-wait'],
} as const;

export const BOOTSTRAP = {
  name: 'bootstrap',
  summary: "Creates the Terraform state bucket of an environment's account.",
  flags: ENV_FLAGS,
  examples: ['npm run bootstrap -- --env ops', 'npm run bootstrap -- --env dev --dir ../my-environments'],
} as const;

export const DESTROY = {
  name: 'destroy',
  summary: "Destroys an environment's stacks (a data stack its config protects stays).",
  flags: {
    env: ENV_FLAGS.env,
    'auto-approve': { type: 'boolean', help: 'no y/N question at a terminal for dev and adt' },
    confirm: { type: 'string', value: 'NAME', help: 'the name again: required for kinds other than dev and adt' },
    dir: ENV_FLAGS.dir,
  },
  examples: ['npm run destroy -- --env adt', 'npm run destroy -- --env int --confirm int', 'npm run destroy -- --env dev --auto-approve'],
} as const;

export const PROMOTE = {
  name: 'promote',
  summary: "Copies the release one environment deployed into another's config.",
  flags: {
    from: { type: 'string', value: 'NAME', help: 'the environment whose deployed release is copied' },
    to: { type: 'string', value: 'NAME', help: 'the environment whose config receives it' },
    yes: { type: 'boolean', short: 'y', help: 'write without asking (required without a terminal)' },
    dir: ENV_FLAGS.dir,
  },
  examples: ['npm run promote -- --from dev --to int', 'npm run promote -- --from int --to ops --yes'],
} as const;

export const SCHEMA = {
  name: 'schema',
  summary: 'Writes the JSON schema editors check environment files with.',
  flags: {
    check: { type: 'boolean', help: 'write nothing; exit 1 if the file is out of date (for CI)' },
  },
  examples: ['npm run schema', 'npm run schema -- --check'],
} as const;

export const DEMO = {
  name: 'demo',
  summary: 'Deploys the six example environments into a local AWS emulator (moto_server).',
  flags: {
    parallel: { type: 'string', value: 'N', help: 'deploys at a time (default: 6, all of them)' },
  },
  examples: ['npm run demo', 'npm run demo -- --parallel 1'],
} as const;

/** Every command of cli/, for tests and docs. */
export const CAMPAIGN = {
  name: 'campaign',
  summary: 'Runs a Batch or HySDS job over each row of an inventory; follows, retries it.',
  verbs: ['start', 'status', 'retry', 'verify', 'cancel', 'report'],
  flags: {
    env: ENV_FLAGS.env,
    dir: ENV_FLAGS.dir,
    name: { type: 'string', value: 'NAME', help: 'the campaign' },
    inventory: { type: 'string', value: 'S3URL', help: 'start: the rows (s3://bucket/key: csv, jsonl, manifest)' },
    job: { type: 'string', value: 'JOB', help: 'start: a Batch job definition, or job-<type>:<release>' },
    queue: { type: 'string', value: 'QUEUE', help: 'start: a Batch or (job-...) worker queue (default: first)' },
    chunk: { type: 'string', value: 'N', help: 'start: rows per chunk (one Batch array job)' },
    concurrency: { type: 'string', value: 'N', help: 'start: chunks at once' },
    tolerate: { type: 'string', value: 'PCT', help: 'start: failed chunks (%) after which it stops' },
    attempts: { type: 'string', value: 'N', help: 'start: attempts per row' },
    output: { type: 'string', value: 'PATTERN', help: "start: each row's expected output, e.g. s3://b/{id}.h5" },
    watch: { type: 'boolean', help: 'status: follow it until it ends' },
    limit: { type: 'string', value: 'N', help: 'retry: at most N rows' },
    wait: { type: 'boolean', help: 'verify: wait until the verify run and its sequels end' },
    format: { type: 'string', value: 'csv|json', help: 'report: the format (default: csv)' },
    execution: { type: 'string', value: 'ARN', help: 'cancel: one execution (default: all running)' },
  },
  examples: [
    'npm run campaign -- --env bulk start --name r1 --job pge --inventory s3://b/i',
    'npm run campaign -- --env bulk status --name r1 --watch',
    'npm run campaign -- --env bulk report --name r1 --format json',
  ],
} as const;

export const COMMAND_SPECS: readonly CommandSpec<Record<string, Flag>>[] = [CONFIGURE, CHECK, DEPLOY, BOOTSTRAP, DESTROY, PROMOTE, SCHEMA, DEMO, CAMPAIGN];
