import { defineRule, type Loc } from '../../engine/rule.js';

interface Seen {
  name: string | undefined;
  /** Where the `<name>` and `<uuid>` texts are. */
  nameAt: Loc | undefined;
  uuidAt: Loc | undefined;
}

/** A user's session libvirt (`~/.config/libvirt`) keeps its own domains, apart from the system's. */
const SESSION = /^\/home\/[^/]+\/\.config\/libvirt\//;

export const rule = defineRule({
  meta: {
    id: 'duplicate-domain',
    description: 'Two domain XMLs of one machine with the same name or UUID: libvirt can define only one of them.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: ['domain'],
    messages: {
      sameName: "Domain name '{name}' is also the name of another domain of this machine (see the related place): libvirt keeps one domain per name, so defining one refuses or replaces the other",
      sameUuid: "Domain UUID {uuid} is also the UUID of domain '{otherName}' of this machine (see the related place): libvirt refuses a second domain with the same UUID",
      sameBoth: "This is a second copy of domain '{name}' (its name and UUID are taken by the related places): only one of them can be defined; remove the stale copy or leave it out of the lint (.vfio-lintignore)",
    },
    sources: [
      'libvirt `src/conf/virdomainobjlist.c`, `virDomainObjListAddLocked`: the errors "domain \'%s\' is already defined with uuid %s" (same UUID, other name) and "domain \'%s\' already exists with uuid %s" (same name, other UUID), and the replacement of a definition with the same name and UUID: https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/virdomainobjlist.c',
      'libvirt, Domain XML format, "General metadata" (`name`: "a short name for the virtual machine … unique"; `uuid`: "a globally unique identifier … If omitted when defining/creating a new machine, a random UUID is generated"): https://libvirt.org/formatdomain.html#general-metadata',
      'libvirt `src/util/viruuid.c`, `virUUIDParse` (dashes optional, hex digits of either case): https://gitlab.com/libvirt/libvirt/-/blob/master/src/util/viruuid.c',
    ],
  },
  /**
   * libvirt keeps one definition per name and per UUID (virDomainObjListAddLocked): defining the
   * second replaces the first (same name and UUID) or is refused. Each later domain is reported
   * once, at its `<name>` (or `<uuid>`), pointing at the earlier ones. Domains of a user's session
   * libvirt (`~/.config/libvirt`) are compared only with each other: the system's and each
   * session's are separate lists.
   */
  check(ctx) {
    const byName = new Map<string, Seen>();
    const byUuid = new Map<string, Seen>();
    for (const d of ctx.machine.domains) {
      const name = d.firstName?.text;
      // libvirt reads a UUID with or without dashes, in either case.
      // Stryker disable next-line MethodExpression: upper case compares the same as lower case
      const uuid = d.uuid?.text.replaceAll('-', '').toLowerCase();
      // Stryker disable next-line StringLiteral: any name that is not a session's path keeps the system's list apart
      const scope = SESSION.exec(d.systemPath)?.[0] ?? 'system';
      const here: Seen = { name, nameAt: d.firstName?.at, uuidAt: d.uuid?.at };
      const sameName = name ? byName.get(`${scope}\n${name}`) : undefined;
      const sameUuid = uuid ? byUuid.get(`${scope}\n${uuid}`) : undefined;
      const report = (messageId: 'sameName' | 'sameUuid' | 'sameBoth', at: Loc, others: ReadonlyArray<{ seen: Seen; at: Loc | undefined }>) => {
        // One related place per earlier file (the name and the UUID may be taken by the same one); each was
        // found by its name or UUID, so that place is known.
        const related = others.filter((o, i) => others.findIndex((x) => x.seen === o.seen) === i).map((o) => ({ ...o.at!, message: 'the other definition' }));
        ctx.report({
          messageId,
          data: { name: name ?? '', uuid: d.uuid?.text ?? '', otherName: others[0]!.seen.name ?? '' },
          at,
          related,
        });
      };
      if (sameName && sameUuid) report('sameBoth', here.nameAt!, [{ seen: sameName, at: sameName.nameAt }, { seen: sameUuid, at: sameUuid.uuidAt }]);
      else if (sameName) report('sameName', here.nameAt!, [{ seen: sameName, at: sameName.nameAt }]);
      else if (sameUuid) report('sameUuid', here.uuidAt!, [{ seen: sameUuid, at: sameUuid.uuidAt }]);
      if (name && !sameName) byName.set(`${scope}\n${name}`, here);
      if (uuid && !sameUuid) byUuid.set(`${scope}\n${uuid}`, here);
    }
  },
});
