/** The HySDS components that boot from pre-built AMIs, one image per component and release. */
export const AMI_COMPONENTS = ['mozart', 'metrics', 'grq', 'factotum', 'ci', 'verdi', 'batch'] as const;
export type AmiComponent = (typeof AMI_COMPONENTS)[number];
