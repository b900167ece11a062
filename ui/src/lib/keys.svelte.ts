// Profiles as the UI sees them (never a key), plus the full result of the last live check in
// this session (the profile itself keeps only a summary).
import { ipc, type CredentialReport, type KeyCheck, type Profile, type Verification } from '../ipc'

class KeysStore {
  profiles = $state<Profile[]>([])
  loaded = $state(false)
  checks = $state<Record<string, Verification>>({})
  checking = $state<Record<string, boolean>>({})

  async load() {
    this.profiles = await ipc.listProfiles()
    this.loaded = true
  }

  private put(p: Profile, oldName = p.name) {
    const i = this.profiles.findIndex((x) => x.name === oldName)
    if (i >= 0) this.profiles[i] = p
    else this.profiles.push(p)
  }

  private record(name: string, c: KeyCheck) {
    this.put(c.profile, name)
    this.checks[c.profile.name] = c.verification
  }

  async add(name: string, keyText: string, accountId: string | null): Promise<Profile> {
    const p = await ipc.addProfile(name, keyText, accountId)
    this.put(p)
    return p
  }

  async verify(name: string, site: string | null = null): Promise<KeyCheck> {
    this.checking[name] = true
    try {
      const c = await ipc.verifyProfile(name, site)
      this.record(name, c)
      return c
    } finally {
      this.checking[name] = false
    }
  }

  async rename(name: string, newName: string) {
    const p = await ipc.renameProfile(name, newName)
    this.put(p, name)
    if (this.checks[name]) {
      this.checks[p.name] = this.checks[name]
      delete this.checks[name]
    }
  }

  async replace(name: string, keyText: string): Promise<KeyCheck> {
    this.checking[name] = true
    try {
      const c = await ipc.replaceKey(name, keyText)
      this.record(name, c)
      return c
    } finally {
      this.checking[name] = false
    }
  }

  async remove(name: string) {
    await ipc.deleteProfile(name)
    this.profiles = this.profiles.filter((p) => p.name !== name)
    delete this.checks[name]
  }

  async setDefault(name: string, siteId: string) {
    this.put(await ipc.setDefaultSite(name, siteId))
  }
}

export const keys = new KeysStore()

/** "IST…1a2b3c4d" → a masked form that makes clear the key itself is not shown. */
export function maskedKey(fingerprint: string): string {
  const [prefix, hash] = fingerprint.split('…')
  return `${prefix ? prefix + '.' : ''}••••••••••••…${hash ?? ''}`
}

/** Where a pasted credential was found, for the badge: the key's place as a sentence ("Taken
 * from a curl command (Authorization).") and the other credentials in the same text, by kind
 * and place (the core never sends their values). */
export function foundSummary(r: CredentialReport): { found: string | null; othersTitle: string | null; others: string[] } {
  const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + '.'
  const several = r.problems.includes('several_keys')
  return {
    found: r.found_note ? sentence(r.found_note) : null,
    othersTitle: r.others.length ? (several ? 'Found in the pasted text' : 'Also found, not used') : null,
    others: r.others.map((o) => o.note),
  }
}
