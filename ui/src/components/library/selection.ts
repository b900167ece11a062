// Multi-select as file managers do it, as pure functions (tested in selection.test.ts):
// a click selects one; Ctrl/Cmd+click toggles one; Shift+click selects the range from the
// anchor (the last plain or Ctrl click); arrows move the focus, Shift+arrows extend from the
// anchor; Ctrl+A selects everything loaded.

export interface Sel {
  /** Selected ids. */
  ids: ReadonlySet<string>
  /** Where a Shift range starts (an index into the list), -1 for none. */
  anchor: number
  /** The keyboard focus (an index), -1 for none. */
  focus: number
}

export const EMPTY: Sel = { ids: new Set(), anchor: -1, focus: -1 }

export interface Mods {
  shift?: boolean
  /** Ctrl on Linux/Windows, Cmd on macOS. */
  toggle?: boolean
}

function range(ids: readonly string[], a: number, b: number): Set<string> {
  const [lo, hi] = a <= b ? [a, b] : [b, a]
  return new Set(ids.slice(Math.max(0, lo), hi + 1))
}

/** A click (or Space) on row `index`. */
export function click(sel: Sel, ids: readonly string[], index: number, mods: Mods = {}): Sel {
  const id = ids[index]
  if (id === undefined) return sel
  if (mods.shift && sel.anchor >= 0) {
    const r = range(ids, sel.anchor, index)
    if (mods.toggle) for (const x of sel.ids) r.add(x)
    return { ids: r, anchor: sel.anchor, focus: index }
  }
  if (mods.toggle) {
    const next = new Set(sel.ids)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    return { ids: next, anchor: index, focus: index }
  }
  return { ids: new Set([id]), anchor: index, focus: index }
}

/** An arrow key: move the focus by `delta` (±1 in a list, ±columns in a grid). */
export function move(sel: Sel, ids: readonly string[], delta: number, mods: Mods = {}): Sel {
  if (ids.length === 0) return sel
  const from = sel.focus < 0 ? (delta > 0 ? -1 : ids.length) : sel.focus
  const to = Math.min(ids.length - 1, Math.max(0, from + delta))
  if (mods.shift) {
    const anchor = sel.anchor >= 0 ? sel.anchor : Math.max(0, from)
    return { ids: range(ids, anchor, to), anchor, focus: to }
  }
  if (mods.toggle) return { ...sel, focus: to }
  return { ids: new Set([ids[to]]), anchor: to, focus: to }
}

export function all(ids: readonly string[]): Sel {
  return { ids: new Set(ids), anchor: 0, focus: ids.length ? 0 : -1 }
}

/** Keep only ids still listed (after a reload or a move). */
export function prune(sel: Sel, ids: readonly string[]): Sel {
  const have = new Set(ids)
  const kept = [...sel.ids].filter((x) => have.has(x))
  if (kept.length === sel.ids.size) return sel
  return { ids: new Set(kept), anchor: Math.min(sel.anchor, ids.length - 1), focus: Math.min(sel.focus, ids.length - 1) }
}
