/**
 * IMDS on instances and launch templates, set against the image: session tokens (IMDSv2) are
 * required exactly where the AMI catalog's build metadata says the image's HySDS works with them
 * (DESIGN.md, "HySDS at run time"), unless the config opts a core component out.
 */
import { catalogImage, loadAmiCatalog, type AmiCatalog } from '../../amis/catalog';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { asList, type StackView, type TerraformResource } from '../stack-view';

export interface MetadataAccess {
  readonly resource: TerraformResource;
  readonly tokensRequired: boolean;
  /** The image, when the resource names one. */
  readonly image?: string;
  /** Whether the image's HySDS works with IMDSv2 only, and why (unknown images are not). */
  readonly ready: boolean;
  readonly reason: string;
  /** The config setting that opts the resource out, when one does. */
  readonly optedOutAs?: string;
}

/** Core instances are built at `<stack>/<component>/instance`. */
function coreComponent(instance: TerraformResource): string | undefined {
  const [, component, leaf] = instance.path.split('/');
  return leaf === 'instance' ? component : undefined;
}

export function metadataAccess(stack: StackView, config: EnvironmentConfig, catalog: AmiCatalog = loadAmiCatalog()): MetadataAccess[] {
  return [...stack.ofType('aws_instance'), ...stack.ofType('aws_launch_template')].map((resource) => {
    const tokensRequired = asList(resource.values.metadata_options)[0]?.http_tokens === 'required';
    const image = resource.values[resource.type === 'aws_instance' ? 'ami' : 'image_id'];
    const component = resource.type === 'aws_instance' ? coreComponent(resource) : undefined;
    const core = component ? (config.core as Record<string, { allowImdsV1?: boolean } | undefined>)[component] : undefined;
    const optedOutAs = core?.allowImdsV1 === true ? `core.${component}.allowImdsV1` : undefined;
    // A launch template without an image (Batch's: the compute environment picks it) runs no HySDS.
    if (typeof image !== 'string') return { resource, tokensRequired, ready: true, reason: 'no image of its own', optedOutAs };
    const known = catalogImage(catalog, image);
    if (!known) return { resource, tokensRequired, image, ready: false, reason: `image ${image.slice(0, 80)} is not in the AMI catalog, so nothing says its HySDS works with IMDSv2 only`, optedOutAs };
    return { resource, tokensRequired, image, ready: known.imds.v2Only, reason: `image ${image} (release ${known.release}): ${known.imds.reason}`, optedOutAs };
  });
}
