// The shapes of the guide's content. Text fields use the tiny inline markup of `rich.ts`
// (**bold**, `code`, [label](#anchor)), so the words live here as data and the components only
// lay them out.

/** The drawn mock screens (ui/src/components/guide/illustrations/). */
export type IllustrationId =
  | 'account-menu'
  | 'keys-page-generate'
  | 'key-form-permissions'
  | 'key-form-sites'
  | 'verify-code'
  | 'copy-token'
  | 'keys-page-account-id'
  | 'dashboard-url'
  | 'keys-page-actions'
  | 'key-anatomy'

export interface Illustration {
  id: IllustrationId
  /** What the drawing shows, for screen readers (the figure is one image to them). */
  alt: string
  /** Short caption under the drawing. */
  caption: string
}

/** One numbered instruction. `spot` is the matching number drawn on the illustration. */
export interface Instruction {
  text: string
  spot?: number
}

export interface Step {
  /** Stable anchor: `#/guide/<id>`. */
  id: string
  title: string
  /** Very short label for the step indicator. */
  label: string
  intro: string
  instructions: Instruction[]
  /** Extra paragraphs after the instructions (notes, warnings). */
  notes?: { tone: 'info' | 'warn' | 'ok'; text: string }[]
  illustration?: Illustration
  /** Show the "Open the API Keys page" button on this step. */
  openKeysPage?: boolean
  /** The last step is the real paste box, not a drawing. */
  paste?: boolean
}

export type SectionId = 'get-api-key' | 'which-credential' | 'find-ids' | 'keep-keys-safe' | 'troubleshooting'

export interface Section {
  id: SectionId
  title: string
  /** For the narrow section strip. */
  short: string
  /** One sentence for the contents page. */
  summary: string
  icon: string
  /** Only "Get an API key" is split into steps; the other sections are one page each. */
  steps?: Step[]
  /** Anchors of items inside the section that deep links may point at (troubleshooting). */
  items?: string[]
}

/** One row of the "which credential is which" table. */
export interface CredentialRow {
  id: string
  /** What the text starts with, shown as code. */
  prefix: string
  name: string
  verdict: 'right' | 'wrong' | 'id'
  looksLike: string
  what: string
  todo: string
}

export interface TroubleItem {
  id: string
  /** The symptom, in the user's words. */
  title: string
  /** A few words for the contents rail. */
  short: string
  /** The one-line answer. */
  answer: string
  /** Causes or steps, in order. */
  points: string[]
  /** Other anchors worth following. */
  see?: { anchor: string; label: string }[]
  openKeysPage?: boolean
}

export interface TroubleGroup {
  title: string
  items: TroubleItem[]
}
