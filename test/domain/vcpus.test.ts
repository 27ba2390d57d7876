import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { domainView } from '../../src/domain/view.js';
import { onlineVcpus } from '../../src/domain/vcpus.js';

const online = (xml: string) => [...onlineVcpus(domainView('vm.xml', parseXml(`<domain>${xml}</domain>`).root!))].sort((a, b) => a - b);

describe('onlineVcpus', () => {
  it('is every vCPU without current= or <vcpus>, and 1 without <vcpu>', () => {
    expect(online(`<vcpu>4</vcpu>`)).toEqual([0, 1, 2, 3]);
    expect(online(``)).toEqual([0]);
  });
  it('is the first `current` vCPUs', () => {
    expect(online(`<vcpu current='2'>4</vcpu>`)).toEqual([0, 1]);
  });
  it('follows <vcpus enabled> (the layout a CCX-skipping guide writes)', () => {
    // After real-world q-g-j__gentoo-stuff win11.xml: vCPUs 6 and 7 of 14 disabled.
    const list = Array.from({ length: 14 }, (_, i) => `<vcpu id='${i}' enabled='${i === 6 || i === 7 ? 'no' : 'yes'}'/>`).join('');
    expect(online(`<vcpu current='12'>14</vcpu><vcpus>${list}</vcpus>`)).toEqual([0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13]);
  });
});
