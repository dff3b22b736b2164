/**
 * The operator interfaces of a HySDS cluster (v4/v5: all through mozart's web server on 443,
 * RabbitMQ admin on 15673, Jenkins on the ci host), as one output each and one map of them all.
 */
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';

export interface OperatorUrlsProps {
  /** How operators reach mozart: a DNS name, or its private address. */
  readonly mozartHost: string;
  /** The ci host, when there is one. */
  readonly ciHost?: string;
  /** How Jenkins answers on ci. @default HTTPS on 8443 */
  readonly jenkins?: { readonly scheme: 'http' | 'https'; readonly port: number };
}

/** Output name -> [path or port, what it is]. */
export const MOZART_INTERFACES = {
  hysds_ui: ['/hysds_ui/', 'HySDS UI'],
  figaro: ['/hysds_ui/figaro', 'Figaro: jobs and workers'],
  tosca: ['/hysds_ui/tosca', 'Tosca: products'],
  mozart_api: ['/mozart/api/v0.1/', 'Mozart API'],
  grq_api: ['/grq/api/v0.1/', 'GRQ API'],
  pele_api: ['/pele/api/v0.1/', 'Pele API'],
  kibana: ['/metrics/', 'Kibana (metrics)'],
} as const;

export function operatorUrls(props: OperatorUrlsProps): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [name, [path]] of Object.entries(MOZART_INTERFACES)) urls[name] = `https://${props.mozartHost}${path}`;
  urls.rabbitmq_admin = `https://${props.mozartHost}:15673/`;
  const jenkins = props.jenkins ?? { scheme: 'https', port: 8443 };
  if (props.ciHost) urls.jenkins = `${jenkins.scheme}://${props.ciHost}:${jenkins.port}/`;
  return urls;
}

export class OperatorUrls extends Construct {
  readonly urls: Record<string, string>;

  constructor(scope: Construct, id: string, props: OperatorUrlsProps) {
    super(scope, id);
    this.urls = operatorUrls(props);
    const describe = (name: string) =>
      name in MOZART_INTERFACES ? MOZART_INTERFACES[name as keyof typeof MOZART_INTERFACES][1] : name === 'jenkins' ? 'Jenkins on ci' : 'RabbitMQ admin';
    for (const [name, url] of Object.entries(this.urls)) {
      new TerraformOutput(scope, `url_${name}`, { value: url, description: `${describe(name)} (URL).` });
    }
    new TerraformOutput(scope, 'operator_urls', { value: this.urls, description: 'Every operator interface by name -> URL.' });
  }
}
