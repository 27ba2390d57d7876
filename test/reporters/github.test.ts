import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { escapeData, escapeProperty, format } from '../../src/reporters/github.js';
import { CWD, diag, report, result, scenario } from './fixture.js';

const opts = { cwd: CWD, color: false };

describe('github', () => {
  it('one workflow command per finding, then skipped rules as log lines', () => {
    expect(format(scenario(), opts)).toBe(
      [
        '::warning file=etc/default/grub,line=1,col=1,endLine=1,endColumn=15,title=grub-default::GRUB_DEFAULT is not saved',
        '::error file=etc/default/grub,line=2,col=29,endLine=2,endColumn=41,title=iommu-enabled::IOMMU is not enabled on the kernel command line.',
        '::notice file=vm/win11.xml,line=1,col=2,endLine=1,endColumn=8,title=hint-rule::Consider hv_vendor_id.',
        '::warning file=vm/win11.xml,line=2,col=3,endLine=2,endColumn=31,title=memballoon-present::memballoon is enabled; it defeats hugepages.%0Arelated: etc/default/grub:2:29 kernel command line here',
        '::error file=broken.xml,line=1,col=8,endLine=1,endColumn=8,title=parse-error::unexpected end of file',
        '::warning file=/etc/modprobe.d/vfio.conf,line=1,col=1,endLine=1,endColumn=8,title=nvidia-not-blacklisted::nouveau is not blacklisted',
        'vfio-lint: rule isolcpus-mismatch skipped: needs host capabilities XML (`virsh capabilities > caps.xml`)',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for a clean run', () => {
    expect(format(report([]), opts)).toBe('');
  });

  it('escapes data (%, CR, LF) and properties (also : and ,)', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    // %0A must not be decoded back to a newline: the % is escaped first.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('escapes a file name with delimiters and a message that tries to start a new command', () => {
    const path = `${CWD}/a:b,c.conf`;
    const src = sourceFile(path, 'x\ny\n');
    const d = diag(src, { ruleId: 'r', severity: 'error', message: 'bad\n::error::fake', range: { start: 0, end: 1 } });
    expect(format(report([result(src, path, 'modprobe', [d])]), opts)).toBe('::error file=a%3Ab%2Cc.conf,line=1,col=1,endLine=1,endColumn=2,title=r::bad%0A::error::fake\n');
  });

  it('drops columns for a range over several lines (the runner keeps them only on one line)', () => {
    const path = `${CWD}/f.conf`;
    const src = sourceFile(path, 'abc\ndef\n');
    const d = diag(src, { ruleId: 'r', severity: 'warning', message: 'm', range: { start: 1, end: 6 } });
    expect(format(report([result(src, path, 'sysctl', [d])]), opts)).toBe('::warning file=f.conf,line=1,endLine=2,title=r::m\n');
  });
});
