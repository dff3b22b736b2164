/** The AMI catalog and its lookup. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiLookupError, loadAmiCatalog, releasesInRegion, resolveAmi } from '../../amis/catalog';
import { AMI_COMPONENTS } from '../../amis/components';

const catalog = loadAmiCatalog();

describe('AMI catalog', () => {
  it('has every component in every region of every release', () => {
    for (const [release, entry] of Object.entries(catalog.releases)) {
      for (const [region, images] of Object.entries(entry.regions)) {
        expect({ release, region, components: Object.keys(images).sort() }).toEqual({ release, region, components: [...AMI_COMPONENTS].sort() });
      }
    }
  });

  it('finds a component of a release in a region', () => {
    expect(resolveAmi(catalog, { component: 'verdi', region: 'us-west-2', release: '2026.11.0' })).toEqual({
      source: 'catalog',
      release: '2026.11.0',
      amiId: catalog.releases['2026.11.0'].regions['us-west-2'].verdi,
    });
  });

  it('prefers an override: an id as is, or an SSM parameter to resolve at deploy time', () => {
    expect(resolveAmi(catalog, { component: 'verdi', region: 'us-west-2', release: '2026.11.0', override: { amiId: 'ami-0123456789abcdef0' } })).toEqual({
      source: 'override',
      amiId: 'ami-0123456789abcdef0',
    });
    expect(resolveAmi(catalog, { component: 'batch', region: 'eu-west-1', override: { ssmParameter: '/pcm/amis/batch' } })).toEqual({
      source: 'ssm-parameter',
      parameterName: '/pcm/amis/batch',
    });
  });

  it('fails on an unknown release, listing the known ones', () => {
    expect(() => resolveAmi(catalog, { component: 'mozart', region: 'us-west-2', release: '2025.01.0' })).toThrow(
      new AmiLookupError('AMI release "2025.01.0" is not in the catalog; known releases: 2026.11.0, 2026.08.1'),
    );
  });

  it('fails on a region the release was not built for, listing its regions', () => {
    expect(() => resolveAmi(catalog, { component: 'mozart', region: 'us-east-1', release: '2026.08.1' })).toThrow(
      'AMI release "2026.08.1" has no images in us-east-1; it has us-west-2',
    );
  });

  it('fails when neither a release nor an override is given', () => {
    expect(() => resolveAmi(catalog, { component: 'grq', region: 'us-west-2' })).toThrow(
      'no AMI for grq: set release.amiRelease or release.amiOverrides.grq',
    );
  });

  it('lists the releases of a region, newest build first', () => {
    expect(releasesInRegion(catalog, 'us-west-2')).toEqual(['2026.11.0', '2026.08.1']);
    expect(releasesInRegion(catalog, 'eu-west-1')).toEqual([]);
  });

  it('fails on a malformed catalog file, naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pcm-amis-')), 'catalog.yaml');
    writeFileSync(file, 'releases:\n  "1.0":\n    hysdsVersion: v5\n    built: yesterday\n');
    expect(() => loadAmiCatalog(file)).toThrow(new RegExp(`^${file} is not a valid AMI catalog: releases\\.1\\.0\\.built: a UTC build time`));
  });
});
