// The guide's table of contents, and the flat list of pages Back/Next walks through.
import { CREDENTIAL_ROWS, FIND_IDS, KEEP_SAFE } from './reference'
import { KEY_STEPS } from './steps'
import { TROUBLE_ITEMS } from './trouble'
import type { Section, SectionId, Step } from './types'

export const SECTIONS: Section[] = [
  {
    id: 'get-api-key',
    title: 'Get an API key',
    short: 'Get a key',
    summary: 'Make a key in your Wix account with just the three permissions Wixdrop needs, then paste it here.',
    icon: 'keys',
    steps: KEY_STEPS,
  },
  {
    id: 'which-credential',
    title: 'Which credential is which',
    short: 'Credentials',
    summary: 'Keys start with IST. and that is right. Tokens and IDs look similar but are not keys.',
    icon: 'badge',
    items: CREDENTIAL_ROWS.map((r) => r.id).concat('key-anatomy'),
  },
  {
    id: 'find-ids',
    title: 'Account and site IDs',
    short: 'IDs',
    summary: 'Where Wix shows them, and why Wixdrop usually finds them for you.',
    icon: 'sites',
    items: FIND_IDS.map((b) => b.id),
  },
  {
    id: 'keep-keys-safe',
    title: 'Keep keys safe',
    short: 'Keep safe',
    summary: 'Replace a key without interruption, rotate one that leaked, delete one you no longer use.',
    icon: 'shield',
    items: KEEP_SAFE.map((b) => b.id),
  },
  {
    id: 'troubleshooting',
    title: 'Troubleshooting',
    short: 'Problems',
    summary: 'What 401, 403 and 5xx mean, and how to fix each cause.',
    icon: 'warn',
    items: TROUBLE_ITEMS.map((t) => t.id),
  },
]

/** One screenful of the guide: a step of a stepped section, or a whole one-page section. */
export interface Page {
  index: number
  section: Section
  /** Index within the section's steps (0 for one-page sections). */
  stepIndex: number
  step: Step | null
  /** The anchor that opens exactly this page. */
  anchor: string
  title: string
}

export const PAGES: Page[] = SECTIONS.flatMap((section): Omit<Page, 'index'>[] =>
  section.steps
    ? section.steps.map((step, i) => ({ section, stepIndex: i, step, anchor: step.id, title: step.title }))
    : [{ section, stepIndex: 0, step: null, anchor: section.id, title: section.title }],
).map((p, index) => ({ ...p, index }))

export function sectionById(id: SectionId): Section {
  return SECTIONS.find((s) => s.id === id)!
}

/** Every anchor the guide answers to, for tests and link checks. */
export function allAnchors(): string[] {
  return SECTIONS.flatMap((s) => [s.id, ...(s.steps ?? []).map((st) => st.id), ...(s.items ?? [])])
}

const ITEM_TITLES: Record<string, string> = Object.fromEntries([
  ...CREDENTIAL_ROWS.map((r) => [r.id, r.name]),
  ['key-anatomy', 'Inside an API key'],
  ...FIND_IDS.map((b) => [b.id, b.title]),
  ...KEEP_SAFE.map((b) => [b.id, b.title]),
  ...TROUBLE_ITEMS.map((t) => [t.id, t.short]),
])

/** A short title for an item anchor (the contents rail lists them under their section). */
export function itemTitle(id: string): string {
  return ITEM_TITLES[id] ?? id
}
