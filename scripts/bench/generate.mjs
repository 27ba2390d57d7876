// Inputs the benchmark makes for itself, in a temporary directory: a large domain
// XML and copies of the corpus.
import { copyFileSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A domain XML of about `targetBytes`: the shipped example domain with its
 * <devices> grown by repeating a block of real device kinds (a passed-through
 * GPU function, a disk, a NIC, a USB host device), each with its own addresses,
 * and the comments and commented-out devices people leave in hand-edited files.
 */
export function bigDomain(baseXml, targetBytes) {
  const close = devicesEnd(baseXml);
  const head = baseXml.slice(0, close);
  const tail = baseXml.slice(close);
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < targetBytes; i++) {
    const block = deviceBlock(i);
    parts.push(block);
    size += block.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Where new devices go: the start of the line that holds </devices>. */
function devicesEnd(xml) {
  const close = xml.lastIndexOf('</devices>');
  if (close < 0) throw new Error('the base domain has no </devices>');
  return xml.lastIndexOf('\n', close) + 1;
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

function deviceBlock(i) {
  // Guest PCI addresses stay unique: 256 buses x 32 slots, then the domain number moves on.
  const dom = hex(1 + (i >> 13), 4);
  const bus = hex((i >> 5) & 0xff, 2);
  const slot = hex(i & 0x1f, 2);
  const mac = `52:54:00:${hex((i >> 16) & 0xff, 2)}:${hex((i >> 8) & 0xff, 2)}:${hex(i & 0xff, 2)}`;
  return `    <!-- passthrough set ${i}: GPU function, scratch disk, NIC, USB stick -->
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x${dom}' bus='0x${bus}' slot='0x${slot}' function='0x0'/>
      </source>
      <address type='pci' domain='0x${dom}' bus='0x${bus}' slot='0x${slot}' function='0x0' multifunction='on'/>
    </hostdev>
    <disk type="file" device="disk">
      <driver name="qemu" type="raw" cache="none" io="native" discard="unmap"/>
      <source file="/var/lib/libvirt/images/scratch-${i}.img"/>
      <target dev="sd${i}" bus="scsi"/>
    </disk>
    <interface type='bridge'>
      <mac address='${mac}'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source startupPolicy='optional'>
        <vendor id='0x0781'/>
        <product id='0x5581'/>
      </source>
    </hostdev>
    <!--
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x0a' slot='0x00' function='0x${i & 7}'/></source>
    </hostdev>
    -->
`;
}

/**
 * The example domain with a long run of commented-out devices before </devices>,
 * as left by someone who disables passthrough devices one at a time: nothing but
 * comments (and the whitespace between them) in one sibling list.
 */
export function commentedOutDomain(baseXml, targetBytes) {
  const close = devicesEnd(baseXml);
  const parts = [baseXml.slice(0, close)];
  let size = baseXml.length;
  for (let i = 0; size < targetBytes; i++) {
    const block = `    <!-- ${i}: off while testing the vBIOS dump
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x${hex((i >> 3) & 0xff, 2)}' slot='0x00' function='0x${i & 7}'/></source>
    </hostdev>
    -->
`;
    parts.push(block);
    size += block.length;
  }
  parts.push(baseXml.slice(close));
  return parts.join('');
}

/** Write a generated domain (`bigDomain` or `commentedOutDomain`) to `file`; returns its size in bytes. */
export function writeBigDomain(baseFile, file, targetBytes, make = bigDomain) {
  const xml = make(readFileSync(baseFile, 'utf8'), targetBytes);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, xml);
  return Buffer.byteLength(xml);
}

/**
 * Copy the manifest's files under `dest`, keeping their corpus-relative paths.
 * Hard links when the corpus is on the same file system (each copy is still a path
 * of its own, so the CLI lints it again), else real copies.
 */
export function replicate(rows, dest) {
  for (const row of rows) {
    const to = join(dest, row.path);
    mkdirSync(dirname(to), { recursive: true });
    try {
      linkSync(row.abs, to);
    } catch {
      copyFileSync(row.abs, to);
    }
  }
}
