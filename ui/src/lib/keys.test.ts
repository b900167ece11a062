import { describe, expect, it } from 'vitest'
import type { CredentialReport } from './bindings/CredentialReport'
import { foundSummary } from './keys.svelte'

function report(over: Partial<CredentialReport>): CredentialReport {
  return {
    kind: 'wix_api_key', usable: true, account_id: null, key_id: null, identity: null, issued_at: null,
    expires_at: null, expired: null, site_id: null, guid: null, cleaned: false, problems: [],
    headline: 'Wix API key', message: '', guide_anchor: null, found_in: null, found_name: null,
    found_note: null, others: [], ...over,
  }
}

describe('foundSummary', () => {
  it('says nothing for a plain paste', () => {
    expect(foundSummary(report({}))).toEqual({ found: null, othersTitle: null, others: [] })
  })

  it('turns the place into a sentence and lists the others by their notes', () => {
    const s = foundSummary(report({
      found_in: 'curl', found_name: 'Authorization', found_note: 'taken from a curl command (Authorization)',
      others: [{ kind: 'oauth_access_token', found_in: 'json', name: 'accessToken.value', note: 'an OAuth access token (in the JSON, accessToken.value)' }],
    }))
    expect(s.found).toBe('Taken from a curl command (Authorization).')
    expect(s.othersTitle).toBe('Also found, not used')
    expect(s.others).toEqual(['an OAuth access token (in the JSON, accessToken.value)'])
  })

  it('titles the list differently when several keys were found', () => {
    const note = 'a Wix API key (in an env line, A)'
    const s = foundSummary(report({ usable: false, problems: ['several_keys'], others: [{ kind: 'wix_api_key', found_in: 'env_line', name: 'A', note }] }))
    expect(s.found).toBeNull()
    expect(s.othersTitle).toBe('Found in the pasted text')
  })
})
