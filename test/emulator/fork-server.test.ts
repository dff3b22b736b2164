/**
 * lib/emulator/fork-server.ts: emulators forked from one `moto-launcher.py --fork-server` are
 * separate emulators, each with its own environment in force (moto reads MOTO_AMIS_PATH when its
 * EC2 module loads, which happens in the emulator, not in the fork server), and stop when asked.
 */
import { readFileSync } from 'node:fs';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { forkEmulator } from '../../lib/emulator/fork-server';
import { EMULATOR_CREDENTIALS, emulatorClientConfig, emulatorCommand, startEmulator } from '../../lib/emulator/server';
import { HAS_MOTO } from '../support/moto';

const command = emulatorCommand();
const withForks = HAS_MOTO && command.file !== 'moto_server' ? describe : describe.skip;

const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);

withForks('emulators forked from the fork server', () => {
  it('are separate emulators, each with its own images, forked by one long-lived process, and gone once stopped', async () => {
    const image = { amiId: 'ami-0123456789abcdef0', name: 'pcm-fork-check', description: 'only in the first emulator' };
    const [withImage, without] = await Promise.all([startEmulator({ amis: [image] }), startEmulator()]);
    try {
      const images = async (endpoint: string) =>
        ((await new EC2Client(emulatorClientConfig(endpoint, 'us-west-2')).send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [image.name] }] }))).Images ?? []).map((i) => i.ImageId);
      expect(await images(withImage.endpoint)).toEqual([image.amiId]);
      expect(await images(without.endpoint)).toEqual([]);
      // Separate state: a bucket in one is not in the other.
      const s3 = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMULATOR_CREDENTIALS });
      await s3(withImage.endpoint).send(new CreateBucketCommand({ Bucket: 'pcm-fork-only-here' }));
      expect((await s3(without.endpoint).send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    } finally {
      await Promise.all([withImage.stop(), without.stop()]);
    }
  }, 120000);

  it('forks from one process that is not this one, and stops what it forked', async () => {
    const env = { ...process.env };
    const [a, b] = await Promise.all([forkEmulator(command.file, command.args, ['-H', '127.0.0.1', '-p', '0'], env), forkEmulator(command.file, command.args, ['-H', '127.0.0.1', '-p', '0'], env)]);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a!.pid).not.toBe(b!.pid);
    expect(parentOf(a!.pid)).toBe(parentOf(b!.pid));
    expect(parentOf(a!.pid)).not.toBe(process.pid);
    await Promise.all([a!.stop(), b!.stop()]);
    expect([a!.alive(), b!.alive()]).toEqual([false, false]);
  }, 60000);

  it('is off with PCM_MOTO_FORK=0', async () => {
    expect(await forkEmulator(command.file, command.args, [], { ...process.env, PCM_MOTO_FORK: '0' })).toBeUndefined();
  });
});
