// Profiles as the UI sees them (never a key), plus the full result of the last live check in
// this session (the profile itself keeps only a summary).
import { app } from './app.svelte'
import { ipc, newOp, type CredentialReport, type KeyCheck, type Profile, type Verification } from '../ipc'

class KeysStore {
  profiles = $state<Profile[]>([])
  loaded = $state(false)
  checks = $state<Record<string, Verification>>({})
  checking = $state<Record<string, boolean>>({})
  /** The wait id of each running check, so Cancel can stop it (`ipc.cancelWait`). */
  private ops: Record<string, number> = {}

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
    // A check is also news about the connection (the sidebar's Wix badge).
    app.heard(c.verification.network === null)
  }

  async add(name: string, keyText: string, accountId: string | null): Promise<Profile> {
    const p = await ipc.addProfile(name, keyText, accountId)
    this.put(p)
    return p
  }

  /** Live check; fails with kind `cancelled` when [`cancelCheck`] stopped it. */
  async verify(name: string, site: string | null = null): Promise<KeyCheck> {
    const op = (this.ops[name] = newOp())
    this.checking[name] = true
    try {
      const c = await ipc.verifyProfile(name, site, op)
      this.record(name, c)
      return c
    } finally {
      if (this.ops[name] === op) {
        delete this.ops[name]
        this.checking[name] = false
      }
    }
  }

  /** Stop the check (or key replacement) running for this profile, if any. */
  async cancelCheck(name: string) {
    const op = this.ops[name]
    if (op != null) await ipc.cancelWait(op)
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
    const op = (this.ops[name] = newOp())
    this.checking[name] = true
    try {
      const c = await ipc.replaceKey(name, keyText, op)
      this.record(name, c)
      return c
    } finally {
      if (this.ops[name] === op) {
        delete this.ops[name]
        this.checking[name] = false
      }
    }
  }

  async remove(name: string) {
    await ipc.deleteProfile(name)
    this.profiles = this.profiles.filter((p) => p.name !== name)
    delete this.checks[name]
  }

  /**
   * Make `siteId` the one uploads go to, then check the key on that site: every view of the
   * profile (its check, "Last check", the Upload screen) then speaks of the new default, never
   * of the old one. The old check is dropped at once, so nothing says the old site meanwhile.
   */
  async setDefault(name: string, siteId: string) {
    this.put(await ipc.setDefaultSite(name, siteId))
    delete this.checks[name]
    await this.verify(name, siteId)
  }

  /** The profile's check, if it is about its current default site (else it is stale: none). */
  checkFor(p: Profile): Verification | null {
    const c = this.checks[p.name]
    if (!c) return null
    return !c.site_checked || !p.default_site || c.site_checked === p.default_site ? c : null
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
