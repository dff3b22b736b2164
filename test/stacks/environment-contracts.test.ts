/**
 * Contracts at both ends (CONVENTIONS 17): every Lambda function the six example environments
 * synthesize gets exactly the variables its handler's contract declares, and the handler's own
 * parsing (`contract.read`) accepts what the kit writes. The handler is told by the bundle the
 * function runs (`<handler>-<hash>.zip`), not by its name, so a construct that wires a function
 * with another handler's environment fails here.
 */
import { loadEnvironments } from '../../config-generator/loader';
import { CAMPAIGN_EVENTS_ENV } from '../../lambdas/campaign-events/contract';
import { CAMPAIGN_SUBMIT_ENV } from '../../lambdas/campaign-submit/contract';
import { CNES_BATCHER_ENV } from '../../lambdas/cnes-batcher/contract';
import { CNM_R_CONSUMER_ENV } from '../../lambdas/cnm-r-consumer/contract';
import { CNM_S_SENDER_ENV } from '../../lambdas/cnm-s-sender/contract';
import { HARIKIRI_ENV } from '../../lambdas/harikiri/contract';
import { ConfigError, type AnyEnvironmentContract } from '../../lambdas/shared/env';
import { STAGING_SUBMIT_ENV } from '../../lambdas/staging-submit/contract';
import { LAMBDA_NAMES, type LambdaName } from '../../modules/lambda/bundle';
import { MessageLambdas } from '../../modules/messaging/message-lambdas';
import { Naming } from '../../modules/naming';
import { App, TerraformStack } from 'cdktf';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

/** Every handler's contract: a handler added without one does not compile. */
const CONTRACTS: Record<LambdaName, AnyEnvironmentContract> = {
  'staging-submit': STAGING_SUBMIT_ENV,
  'cnm-r-consumer': CNM_R_CONSUMER_ENV,
  'cnm-s-sender': CNM_S_SENDER_ENV,
  'cnes-batcher': CNES_BATCHER_ENV,
  harikiri: HARIKIRI_ENV,
  'campaign-submit': CAMPAIGN_SUBMIT_ENV,
  'campaign-events': CAMPAIGN_EVENTS_ENV,
};

const isToken = (value: string) => value.includes('${');
const environments = loadEnvironments();
const { stacks } = synthesize(environments);

interface SynthesizedFunction {
  readonly address: string;
  readonly handler: LambdaName;
  readonly variables: Readonly<Record<string, string>>;
}

const functions: SynthesizedFunction[] = Object.entries(stacks).flatMap(([stack, json]) =>
  Object.entries(resourcesOf(json, 'aws_lambda_function')).map(([name, fn]: [string, StackJson]) => {
    const bundle = /(?:^|\/)([a-z-]+)-[0-9a-f]{16}\.zip$/.exec(String(fn.filename))?.[1];
    if (!bundle || !(LAMBDA_NAMES as readonly string[]).includes(bundle)) throw new Error(`${stack} aws_lambda_function.${name}: no handler bundle in filename ${String(fn.filename)}`);
    return { address: `${stack} aws_lambda_function.${name}`, handler: bundle as LambdaName, variables: (fn.environment?.variables ?? {}) as Record<string, string> };
  }),
);

describe('environment contracts of the synthesized examples', () => {
  it('synthesizes every handler somewhere, so each contract below is exercised', () => {
    expect(new Set(functions.map((f) => f.handler))).toEqual(new Set(LAMBDA_NAMES));
  });

  it.each(functions.map((f) => [f.address, f] as const))('%s: sets exactly the variables its contract declares, every needed one', (_address, fn) => {
    const contract = CONTRACTS[fn.handler];
    const declared = contract.variables.map((v) => v.name);
    const unknown = Object.keys(fn.variables).filter((name) => !declared.includes(name));
    const missing = contract.variables.filter((v) => v.needed && !(v.name in fn.variables)).map((v) => v.name);
    expect({ unknown, missing }).toEqual({ unknown: [], missing: [] });
  });

  it.each(functions.map((f) => [f.address, f] as const))("%s: its handler's own parsing accepts the values known at synthesis", (_address, fn) => {
    const contract = CONTRACTS[fn.handler];
    // A token (Mozart's address) is resolved at deploy; stand in a value of its variable's format.
    const standIns: Record<string, string> = { MOZART_URL: 'https://10.0.0.10' };
    const known = Object.fromEntries(Object.entries(fn.variables).map(([name, value]) => [name, isToken(value) ? (standIns[name] ?? fail(`${name} is a token without a stand-in`)) : value]));
    expect(() => contract.read(known)).not.toThrow();
  });

  it('fails synthesis on a value the handler would refuse, naming the variable, the config field and the value', () => {
    const ops = environments.find((e) => e.config.environment.name === 'ops')!.config;
    // The schema refuses this prefix too; the contract holds even where the two disagree.
    const config = { ...ops, stagingArea: { ...ops.stagingArea, prefix: 'staging_area' } };
    const stack = new TerraformStack(new App({ outdir: '/tmp/unused' }), 'lambdas');
    expect(() => new MessageLambdas(stack, 'lambdas', { config, naming: Naming.of(config), kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/k', mozartUrl: 'https://10.0.0.10', logRetentionDays: 30 })).toThrow(
      new ConfigError(
        'staging-submit: the environment written for it is not one its handler accepts (each line: the variable, where its value came from, the value, and what the handler expects):\n' +
          '  STAGING_PREFIX (from stagingArea.prefix) is "staging_area"; expected a key prefix like "folder/" (ending in "/", not starting with one)',
      ),
    );
  });
});

function fail(message: string): never {
  throw new Error(message);
}
