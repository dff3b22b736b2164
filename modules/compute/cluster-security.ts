/**
 * The security groups of a HySDS cluster. Members (core instances, workers, Batch hosts) reach
 * one another on the ports HySDS uses among them; operators reach mozart's web server (443) and
 * RabbitMQ admin (15673), and Jenkins on ci (8080), from the configured CIDR blocks only.
 * Nothing else comes in from outside the cluster.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { Naming } from '../naming';

/** Ports HySDS components talk to one another on. */
export const CLUSTER_PORTS: readonly { readonly port: number; readonly what: string }[] = [
  { port: 443, what: 'web server: Mozart, GRQ and Pele APIs, HySDS UI, Kibana' },
  { port: 5672, what: 'RabbitMQ (AMQP): job queues' },
  { port: 15672, what: 'RabbitMQ management API: queue sizes for autoscaling' },
  { port: 6379, what: 'Redis: job status and worker heartbeats' },
  { port: 9200, what: 'Elasticsearch: job and product catalogs' },
];

/** What operators reach on mozart (Jenkins' port on ci comes from tls.jenkins). */
export const OPERATOR_PORTS = { mozart: [443, 15673] } as const;

/** Jenkins' plain-HTTP port on the stock ci image, and the default HTTPS one. */
export const JENKINS_PORTS = { plainHttp: 8080, https: 8443 } as const;

export interface ClusterSecurityProps {
  readonly naming: Naming;
  readonly vpcId: string;
  readonly operatorCidrs: readonly string[];
  /** The port operators reach Jenkins on. @default 8443 (HTTPS) */
  readonly jenkinsPort?: number;
}

export class ClusterSecurity extends Construct {
  /** Every cluster member carries this group. */
  readonly cluster: SecurityGroup;
  /** mozart's own group: operators in, and whoever allowHttpsToMozart() names. */
  readonly mozart: SecurityGroup;
  /** ci's own group: operators reach Jenkins. */
  readonly ci: SecurityGroup;
  /**
   * Batch hosts' group: they run PGE containers that need nothing from the cluster and should
   * reach none of it (RabbitMQ, Redis, Elasticsearch); nothing comes in.
   */
  readonly batch: SecurityGroup;

  constructor(scope: Construct, id: string, props: ClusterSecurityProps) {
    super(scope, id);
    const { naming } = props;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        // A prefix, not a fixed name: create_before_destroy makes the new group while the old
        // one still exists, and AWS refuses a second group of the same name (check PCM-EC2-5).
        namePrefix: `${naming.resource(name, 'securityGroup')}-`,
        description,
        vpcId: props.vpcId,
        // Instances fetch code, containers and data from AWS APIs and registries.
        egress: [{ description: 'all outbound', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
        lifecycle: { createBeforeDestroy: true },
      });
    this.cluster = group('cluster', `HySDS cluster members of ${naming.venue}`);
    this.mozart = group('mozart', `Operator access to mozart of ${naming.venue}`);
    this.ci = group('ci', `Operator access to Jenkins of ${naming.venue}`);
    this.batch = group('batch', `AWS Batch hosts of ${naming.venue}`);

    for (const { port, what } of CLUSTER_PORTS) {
      new VpcSecurityGroupIngressRule(this, `cluster-${port}`, {
        securityGroupId: this.cluster.id,
        referencedSecurityGroupId: this.cluster.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: what,
      });
    }
    props.operatorCidrs.forEach((cidr, i) => {
      for (const [target, ports] of [[this.mozart, OPERATOR_PORTS.mozart], [this.ci, [props.jenkinsPort ?? JENKINS_PORTS.https]]] as const) {
        for (const port of ports) {
          new VpcSecurityGroupIngressRule(this, `operators-${target === this.mozart ? 'mozart' : 'ci'}-${port}-${i}`, {
            securityGroupId: target.id,
            cidrIpv4: cidr,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            description: `operators (${cidr})`,
          });
        }
      }
    });
  }

  /** Lets members of `securityGroupId` (the job-submitting Lambdas) reach mozart on 443. */
  allowHttpsToMozart(id: string, securityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, `mozart-443-${id}`, {
      securityGroupId: this.mozart.id,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description,
    });
  }
}
