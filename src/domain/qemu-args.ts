import { attr, childElements, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';

/** One `<qemu:arg>` of `<qemu:commandline>`. */
export interface QemuArg {
  element: XmlElement;
  value: XmlAttribute | undefined;
}

/** Every `<qemu:commandline>` argument (any namespace prefix), in order: QEMU reads them after libvirt's own. */
export function qemuArgs(root: XmlElement): QemuArg[] {
  const out: QemuArg[] = [];
  for (const cl of childElements(root)) {
    if (!cl.name.endsWith(':commandline')) continue;
    for (const a of childElements(cl)) if (a.name.endsWith(':arg')) out.push({ element: a, value: attr(a, 'value') });
  }
  return out;
}

/** An option and the argument after it: `-cpu` `host,kvm=off`. */
export interface QemuOption {
  /** The option as QEMU names it, one leading dash: `-cpu` (QEMU also takes `--cpu`). */
  name: string;
  option: QemuArg;
  /** The next argument, its value; undefined when the option is last. */
  arg: QemuArg | undefined;
  text: string | undefined;
}

/**
 * The arguments that are one of `names` (`-cpu`, `-machine`...), each with the argument after it. Only
 * for options that always take a value: which other options do is QEMU's table, not known here.
 */
export function qemuOptions(root: XmlElement, names: readonly string[]): QemuOption[] {
  const args = qemuArgs(root);
  const out: QemuOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!.value?.value.trim();
    if (!raw?.startsWith('-')) continue;
    const name = raw.startsWith('--') ? raw.slice(1) : raw;
    if (!names.includes(name)) continue;
    const next = args[i + 1];
    out.push({ name, option: args[i]!, arg: next, text: next?.value?.value });
    i++;
  }
  return out;
}
