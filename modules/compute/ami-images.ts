/**
 * The AMI of each component an environment runs, from the catalog or the config's overrides.
 * An SSM parameter override becomes a data source that Terraform resolves at deploy time, so a
 * literal AMI id appears in the synthesized output only when it came from catalog or config.
 */
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Construct } from 'constructs';
import { imdsReadiness, resolveAmi, type AmiCatalog, type ImdsReadiness, type ResolvedAmi } from '../../amis/catalog';
import type { AmiComponent } from '../../amis/components';
import type { AmiSource } from '../../config-generator/schema';

export interface AmiImagesProps {
  readonly catalog: AmiCatalog;
  readonly region: string;
  /** The environment's AMI release (release.amiRelease). */
  readonly release?: string;
  /** Per-component overrides (release.amiOverrides). */
  readonly overrides?: Partial<Record<AmiComponent, AmiSource>>;
  /** The components to resolve. */
  readonly components: readonly AmiComponent[];
}

export class AmiImages extends Construct {
  /** How each component's AMI was found. */
  readonly sources: ReadonlyMap<AmiComponent, ResolvedAmi>;
  private readonly ids = new Map<AmiComponent, string>();
  private readonly catalog: AmiCatalog;

  constructor(scope: Construct, id: string, props: AmiImagesProps) {
    super(scope, id);
    this.catalog = props.catalog;
    const sources = new Map<AmiComponent, ResolvedAmi>();
    for (const component of props.components) {
      const resolved = resolveAmi(props.catalog, {
        component,
        region: props.region,
        release: props.release,
        override: props.overrides?.[component],
      });
      sources.set(component, resolved);
      this.ids.set(
        component,
        resolved.source === 'ssm-parameter'
          ? new DataAwsSsmParameter(this, component, { name: resolved.parameterName }).value
          : resolved.amiId,
      );
    }
    this.sources = sources;
  }

  /** The AMI id (or the token that resolves to it) of a component. */
  imageId(component: AmiComponent): string {
    const id = this.ids.get(component);
    if (id === undefined) throw new Error(`no AMI was resolved for ${component}; add it to AmiImages' components`);
    return id;
  }

  /** Whether a component's image works with IMDSv2 only (the catalog's build metadata). */
  imds(component: AmiComponent): ImdsReadiness {
    const source = this.sources.get(component);
    if (source === undefined) throw new Error(`no AMI was resolved for ${component}; add it to AmiImages' components`);
    return imdsReadiness(this.catalog, source);
  }

  /** Every component's AMI id, for an output. */
  all(): Record<string, string> {
    return Object.fromEntries(this.ids);
  }
}
