// Reads gnif/vendor-reset's src/device-db.h into the list of PCI ids the module resets. The header
// defines one macro per GPU family, each a list of `{PCI_VENDOR_ID_ATI, 0xNNNN, op, DEVICE_INFO(NAME)}`
// rows, and the table `vendor_reset_devices[]` that expands the families it uses. Only families
// expanded in the table count (a macro defined but not used resets nothing).
const VENDOR_MACROS = { PCI_VENDOR_ID_ATI: '1002', PCI_VENDOR_ID_AMD: '1022', PCI_VENDOR_ID_NVIDIA: '10de' };

/** @returns {{ families: Record<string, { info: string[], devices: string[] }>, devices: Record<string, string> }} */
export function readDeviceDb(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '').replace(/\\\r?\n/g, ' ');
  const macros = new Map();
  for (const m of src.matchAll(/^\s*#define\s+(_\w+)\(op\)\s+(.*)$/gm)) {
    const rows = [];
    for (const r of m[2].matchAll(/\{\s*(\w+)\s*,\s*0x([0-9a-fA-F]{4})\s*,\s*op\s*,\s*DEVICE_INFO\((\w+)\)\s*\}/g)) {
      const vendor = VENDOR_MACROS[r[1]];
      if (!vendor) throw new Error(`device-db.h: unknown vendor macro ${r[1]} in ${m[1]}`);
      rows.push({ id: `${vendor}:${r[2].toLowerCase()}`, info: r[3] });
    }
    macros.set(m[1], rows);
  }
  const table = /vendor_reset_devices\[\]\s*=\s*\{([\s\S]*?)\};/.exec(src);
  if (!table) throw new Error('device-db.h: the vendor_reset_devices[] table was not found');
  const families = {};
  const devices = {};
  for (const use of table[1].matchAll(/(_\w+)\(\s*&\w+\s*\)/g)) {
    const rows = macros.get(use[1]);
    if (!rows) throw new Error(`device-db.h: the table uses ${use[1]}, which is not defined`);
    const family = use[1].replace(/^_/, '');
    families[family] = { info: [...new Set(rows.map((r) => r.info))], devices: rows.map((r) => r.id) };
    for (const r of rows) devices[r.id] ??= family;
  }
  if (Object.keys(devices).length === 0) throw new Error('device-db.h: no device ids found');
  return { families, devices };
}
