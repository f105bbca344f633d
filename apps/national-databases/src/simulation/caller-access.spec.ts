import { agencyRefusal, ipRefusal, normalizeIp } from './caller-access';

describe('caller access', () => {
  it('compares an IPv4-mapped IPv6 address as the IPv4 address an operator writes', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('FE80::1')).toBe('fe80::1');
  });

  it('lets every address in without a list, and only the listed ones with one', () => {
    expect(ipRefusal('land', null, '203.0.113.9')).toBeNull();
    expect(ipRefusal('land', ['127.0.0.1'], '::ffff:127.0.0.1')).toBeNull();
    expect(ipRefusal('land', ['127.0.0.1'], '10.0.0.1')).toContain('does not accept calls from 10.0.0.1');
    expect(ipRefusal('land', [], '127.0.0.1')).not.toBeNull();
    expect(ipRefusal('land', ['127.0.0.1'], undefined)).toContain('an unknown address');
  });

  it('says whether the agency code is missing, malformed or not registered', () => {
    expect(agencyRefusal('business', null, undefined)).toContain('in the x-agency-id header');
    expect(agencyRefusal('business', null, '')).toContain('in the x-agency-id header');
    expect(agencyRefusal('business', null, 'H56')).toMatch(/^The x-agency-id header is malformed: "H56" is not a valid QCVN 102 agency code/);
    expect(agencyRefusal('business', null, ['000.00.00.H56', '000.00.00.H56'])).toContain('malformed');
    expect(agencyRefusal('business', ['000.00.00.H99'], '000.00.00.H56')).toContain('Agency 000.00.00.H56 is not registered with the business system');
    expect(agencyRefusal('business', null, '000.00.00.H56')).toBeNull();
    expect(agencyRefusal('business', ['000.00.00.H56'], '000.00.00.H56')).toBeNull();
  });
});
