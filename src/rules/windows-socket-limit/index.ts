import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { windowsGuest } from '../../domain/windows.js';
import { setAttribute } from '../../edit/xml.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'windows-socket-limit',
    description: 'A Windows client edition uses at most 2 CPU sockets (Home 1, Pro for Workstations 4); a guest topology with more sockets leaves vCPUs unused.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      sockets: "Windows guest ({because}) with sockets='{sockets}': Windows 10/11 Pro uses at most 2 sockets, so it runs on {used} of its {total} vCPUs ({home} on Home, which uses 1 socket; Pro for Workstations uses 4); put the vCPUs in one socket as cores",
    },
    sources: [
      'The socket limits of Windows client editions (Home 1, Pro and Education 2, Pro for Workstations 4), read from the kernel\'s licensing values (`Kernel-RegisteredProcessors`): https://blog.poly.nomial.co.uk/2022-04-07-cpu-socket-and-core-count-limits-in-windows-10-and-how-to-remove-them.html',
      'libvirt, Domain XML format, "CPU model and topology": `<topology sockets dies clusters cores threads>`, whose product is the vCPU count: https://libvirt.org/formatdomain.html#cpu-model-and-topology',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const topo = view.cpu?.topology;
    if (!topo || topo.sockets === undefined || topo.sockets <= 2) return;
    const win = windowsGuest(view);
    // Server editions take more sockets; unknown editions are taken as clients only when not named server.
    if (!win || win.server) return;
    const perSocket = (topo.dies ?? 1) * (topo.clusters ?? 1) * (topo.cores ?? 1) * (topo.threads ?? 1);
    const total = topo.sockets * perSocket;
    const path = file.source.path;
    const text = file.source.text;
    const socketsAttr = attr(topo.element, 'sockets')!;
    const edits = [setAttribute(path, text, topo.element, 'sockets', '1')];
    edits.push(setAttribute(path, text, topo.element, 'cores', String(topo.sockets * (topo.cores ?? 1))));
    ctx.report({
      messageId: 'sockets',
      data: { because: win.because, sockets: topo.sockets, used: 2 * perSocket, total, home: perSocket },
      at: socketsAttr ? valueLoc(path, socketsAttr) : tagLoc(path, topo.element),
      suggestions: [{
        description: `Use sockets='1' cores='${topo.sockets * (topo.cores ?? 1)}' (the same ${total} vCPUs, in one socket)`,
        fix: { edits },
      }],
    });
  },
});
