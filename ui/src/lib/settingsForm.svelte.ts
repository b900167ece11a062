// The Settings screen's form: the user's edits, kept here (not in the screen) so that leaving
// Settings and coming back loses nothing; the screen shows "Unsaved changes" with Save and
// Discard until one of them is pressed.
//
// Sizes are edited in MB (1,000,000 bytes) and MB/s, the unit the queue shows. A value shown
// rounded (8 MiB is 8,388,608 bytes, shown as 8.4) is saved as it was unless its field changed,
// so opening and saving Settings changes nothing.
import type { Settings } from './bindings/Settings'

export const MB = 1000 * 1000

/** `bytes` in MB, to one decimal: what a field shows. */
export const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10

/** A field's MB back in bytes: `was` itself when the field still shows it. */
const bytes = (field: number, was: number) => (field === mb(was) ? was : Math.round(Math.max(0.1, field) * MB))

const copy = (s: Settings): Settings => JSON.parse(JSON.stringify(s))

export class SettingsForm {
  /** The settings the edits started from (the saved ones then). */
  base = $state<Settings | null>(null)
  /** Everything but the MB fields, as edited. */
  draft = $state<Settings | null>(null)
  thresholdMb = $state(10)
  chunkMb = $state(8)
  /** `null` (an empty field) is no limit. */
  limitMbs = $state<number | null>(null)

  /** Starts over from `saved`: the form shows it, with nothing to save. */
  reset(saved: Settings): void {
    this.base = copy(saved)
    this.draft = copy(saved)
    this.thresholdMb = mb(saved.simple_upload_max_bytes)
    this.chunkMb = mb(saved.chunk_size_bytes)
    this.limitMbs = saved.bandwidth_limit_bytes_per_sec ? mb(saved.bandwidth_limit_bytes_per_sec) : null
  }

  /**
   * The settings to save: the form's edits over `saved`. What the form does not edit comes from
   * `saved` (the close action, saved at once by the Desktop section; the welcome flag).
   */
  result(saved: Settings): Settings {
    const d = this.draft ?? saved
    return {
      ...d,
      welcome_seen: saved.welcome_seen,
      close_action: saved.close_action,
      simple_upload_max_bytes: bytes(this.thresholdMb, d.simple_upload_max_bytes),
      chunk_size_bytes: bytes(this.chunkMb, d.chunk_size_bytes),
      bandwidth_limit_bytes_per_sec: this.limitMbs ? bytes(this.limitMbs, d.bandwidth_limit_bytes_per_sec ?? 0) : null,
    }
  }

  /** Whether the form holds edits not yet saved (against the settings they started from). */
  get dirty(): boolean {
    return this.base !== null && JSON.stringify(this.result(this.base)) !== JSON.stringify(this.base)
  }

  /**
   * Follows the saved settings when they change elsewhere (a first load, another section's
   * save), unless the user is in the middle of editing: then the edits stay.
   */
  follow(saved: Settings): void {
    if (this.base === null || (!this.dirty && JSON.stringify(saved) !== JSON.stringify(this.base))) this.reset(saved)
  }
}

/** The one form, shared by every visit to the Settings screen until the app closes. */
export const settingsForm = new SettingsForm()
