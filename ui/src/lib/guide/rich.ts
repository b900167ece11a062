// A deliberately tiny inline markup for guide text, rendered without {@html}:
//   **bold**   `code`   [label](#anchor)  (a link to another place in the guide)
// Bold may contain code and links. Anything else is plain text, so content can never inject
// markup.

export type RichToken =
  | { t: 'text'; v: string }
  | { t: 'b'; v: string; inner: RichToken[] }
  | { t: 'code'; v: string }
  | { t: 'link'; v: string; anchor: string }

const TOKEN = /\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(#([a-z0-9][a-z0-9-]*)\)/g

export function parseRich(src: string): RichToken[] {
  const out: RichToken[] = []
  let last = 0
  for (const m of src.matchAll(TOKEN)) {
    const at = m.index ?? 0
    if (at > last) out.push({ t: 'text', v: src.slice(last, at) })
    if (m[1] !== undefined) {
      const inner = parseRich(m[1]).filter((x) => x.t !== 'b')
      out.push({ t: 'b', v: inner.map((x) => x.v).join(''), inner })
    }
    else if (m[2] !== undefined) out.push({ t: 'code', v: m[2] })
    else out.push({ t: 'link', v: m[3], anchor: m[4] })
    last = at + m[0].length
  }
  if (last < src.length) out.push({ t: 'text', v: src.slice(last) })
  return out
}

/** The text without markup (for aria-labels, search, tests). */
export function plainText(src: string): string {
  return parseRich(src)
    .map((tok) => tok.v)
    .join('')
}

/** Every guide anchor a piece of text links to. */
export function linkedAnchors(src: string): string[] {
  return parseRich(src).flatMap((tok) => (tok.t === 'link' ? [tok.anchor] : []))
}
