/**
 * A moto_server for tests that talk to AWS APIs for real. Tests that need it skip, loudly, where
 * moto_server is not installed.
 */
import { EMULATOR_CREDENTIALS, hasEmulator, startEmulator, type EmulatorOptions } from '../../lib/emulator/server';

export const HAS_MOTO = hasEmulator();
if (!HAS_MOTO) console.warn('SKIPPED: moto_server is not installed; tests against the AWS emulator did not run.');

/** The launcher's bulk S3 seeding path (lib/emulator/moto-launcher.py): test set-up only. */
export const SEED_PATH = '/pcm-api/s3/seed';

export interface Moto {
  readonly endpoint: string;
  /** Environment for a child process (or the SDK) to use the emulator with fake credentials. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startMoto(options: EmulatorOptions = {}): Promise<Moto> {
  const emulator = await startEmulator(options);
  return {
    endpoint: emulator.endpoint,
    env: {
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-west-2',
    },
    stop: () => emulator.stop(),
  };
}
