/**
 * One HySDS core instance (mozart, metrics, grq, factotum or ci). Its network interface is made
 * first, so every member's address is known before any instance boots: each one's user data
 * names all the others (and itself), which instances alone could not do without a cycle.
 */
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { Construct } from 'constructs';
import { metadataOptions, type MetadataPolicy } from './instance-metadata';

export interface CoreInstanceProps {
  /** `<venue>-<component>`: the Name tag. */
  readonly name: string;
  readonly amiId: string;
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly instanceProfileName: string;
  readonly kmsKeyArn: string;
  /** IMDS: tokens required only where the image's HySDS works with them. */
  readonly metadata: MetadataPolicy;
  /** Refuse API termination (protected environments). */
  readonly terminationProtection: boolean;
}

export class CoreInstance extends Construct {
  readonly networkInterface: NetworkInterface;
  /** The fixed private address, known before the instance exists. */
  readonly privateIp: string;
  private readonly props: CoreInstanceProps;
  instance?: Instance;

  constructor(scope: Construct, id: string, props: CoreInstanceProps) {
    super(scope, id);
    this.props = props;
    this.networkInterface = new NetworkInterface(this, 'interface', {
      subnetId: props.subnetId,
      securityGroups: [...props.securityGroupIds],
      description: `${props.name} primary interface`,
      tags: { Name: props.name },
    });
    this.privateIp = this.networkInterface.privateIp;
  }

  /** Launches the instance with its boot script (called once every address is known). */
  launch(userData: string): Instance {
    const p = this.props;
    this.instance = new Instance(this, 'instance', {
      ami: p.amiId,
      instanceType: p.instanceType,
      iamInstanceProfile: p.instanceProfileName,
      networkInterface: [{ networkInterfaceId: this.networkInterface.id, deviceIndex: 0 }],
      rootBlockDevice: { volumeSize: p.rootVolumeGiB, volumeType: 'gp3', encrypted: true, kmsKeyId: p.kmsKeyArn, deleteOnTermination: true },
      metadataOptions: metadataOptions(p.metadata, 2),
      disableApiTermination: p.terminationProtection,
      userData,
      tags: { Name: p.name },
      volumeTags: { Name: p.name },
    });
    return this.instance;
  }
}
