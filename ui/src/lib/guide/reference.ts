// The one-page sections: which credential is which, account and site IDs, keeping keys safe.
// Facts from shared/wix-api.md §1.1 (IDs, owners, site access), §2 (credential shapes) and the
// API Keys Manager's rotate/duplicate/edit/delete behaviour.
import type { CredentialRow, Illustration } from './types'

export const CREDENTIAL_INTRO =
  '**A key that starts with `IST.` is the right kind.** Keys made on the API Keys page always begin that way, and Wixdrop expects exactly that. The other things that look similar are tokens or IDs, and none of them can stand in for a key.'

export const CREDENTIAL_ROWS: CredentialRow[] = [
  {
    id: 'cred-api-key',
    prefix: 'IST.',
    name: 'Wix API key',
    verdict: 'right',
    looksLike: 'Starts with `IST.`, then three long parts joined by dots. Several hundred characters.',
    what: 'Made on your account’s API Keys page. It has no expiry date: it works until the key is rotated or deleted.',
    todo: 'This is the one Wixdrop needs. Paste it exactly as copied.',
  },
  {
    id: 'cred-oauth',
    prefix: 'OauthNG.JWS.',
    name: 'OAuth access token',
    verdict: 'wrong',
    looksLike: 'Starts with `OauthNG.JWS.`, then three parts joined by dots.',
    what: 'A short-lived token a Wix app receives for one site. It stops working 4 hours after it was issued.',
    todo: 'Don’t use it: Wixdrop would stop working within hours. [Create an API key](#get-api-key) instead.',
  },
  {
    id: 'cred-jws',
    prefix: 'JWS.',
    name: 'Refresh token or member session',
    verdict: 'wrong',
    looksLike: 'Starts with `JWS.` right at the beginning, then three parts joined by dots.',
    what: 'Either a refresh token that an app trades for new access tokens, or the login cookie of a visitor to a Wix site.',
    todo: 'Not an API key, and it should stay private. [Create an API key](#get-api-key) instead.',
  },
  {
    id: 'cred-id',
    prefix: '1a2b3c4d-…',
    name: 'An ID (account or site)',
    verdict: 'id',
    looksLike: 'Five groups of letters and digits joined by dashes: 8-4-4-4-12 characters.',
    what: 'Names your account or one of your sites. It isn’t secret and can’t sign anyone in.',
    todo: 'Wixdrop usually finds IDs for you: see [Account and site IDs](#find-ids). You still need an API key.',
  },
]

export const KEY_ANATOMY: Illustration = {
  id: 'key-anatomy',
  alt: 'Diagram of a Wix API key split into its parts: 1, the IST. prefix; 2, a header; 3, a payload that carries the account ID; 4, a signature. The parts are joined by dots.',
  caption: 'What is inside a Wix API key. Wixdrop reads parts 2 and 3 on your computer to fill in the badge.',
}

export interface InfoBlock {
  id: string
  title: string
  paragraphs: string[]
  /** Ordered steps, if the block is a procedure. */
  steps?: string[]
  illustration?: Illustration
  tone?: 'warn' | 'ok'
}

export const FIND_IDS_INTRO =
  'Wix APIs need an **account ID** or a **site ID** next to the key. Usually you don’t have to look for either: Wixdrop reads the account ID from the key and then lists the sites the key can reach, so you just pick one.'

export const FIND_IDS: InfoBlock[] = [
  {
    id: 'find-account-id',
    title: 'Account ID',
    paragraphs: [
      'The account ID is shown on the API Keys page, with a **Copy ID** button next to it.',
      'Wixdrop fills it in from the key. You only need to compare it if Wix says the account ID is wrong: see [Wrong or missing account or site ID](#trouble-403-ids).',
    ],
    illustration: {
      id: 'keys-page-account-id',
      alt: 'Drawing of the API Keys page with marker 1 on the Account ID box and its Copy ID button.',
      caption: 'The account ID sits at the top of the API Keys page.',
    },
  },
  {
    id: 'find-site-id',
    title: 'Site ID',
    paragraphs: [
      'Each site’s ID is in the address of its dashboard: it is the long ID right after `/dashboard/`.',
      'You need it only when Wixdrop can’t list your sites: when the key is limited to **selected sites**, or when it lacks the **Read Site Data** permission. Then open the site’s dashboard in your browser, copy the whole address from the address bar, and paste it on the Keys screen. Wixdrop picks the site ID out of it.',
    ],
    illustration: {
      id: 'dashboard-url',
      alt: 'Drawing of a browser address bar showing a site dashboard address. Marker 1 highlights the ID that follows /dashboard/.',
      caption: 'The site ID is the part after /dashboard/.',
    },
  },
]

export const KEEP_SAFE_INTRO =
  'Treat an API key like a password for your account: anyone holding it can do whatever its permissions allow. Every change on the API Keys page starts from the **⋯** (more actions) menu next to the key, and Wix asks for an emailed 6-digit code before it applies it.'

export const KEEP_SAFE: InfoBlock[] = [
  {
    id: 'safe-replace',
    title: 'Replace a key without interruption',
    tone: 'ok',
    paragraphs: ['The safest way to move Wixdrop to a new key, for example a key with different permissions:'],
    steps: [
      'On the API Keys page, choose **Duplicate** on the old key. The copy gets the same permissions, which you can adjust.',
      'Copy the new token and use **Replace key** on Wixdrop’s Keys screen.',
      'Once Wixdrop has checked the new key, **Delete** the old one on the API Keys page.',
    ],
    illustration: {
      id: 'keys-page-actions',
      alt: 'Drawing of the API Keys page with marker 1 on the more-actions button of a key and marker 2 on its open menu listing Rotate, Duplicate, Edit and Delete.',
      caption: 'Every change starts from the key’s more-actions menu.',
    },
  },
  {
    id: 'safe-rotate',
    title: 'Rotate a key that may have leaked',
    tone: 'warn',
    paragraphs: [
      '**Rotate** gives the key a new token and keeps its name and permissions. The old token stops working **at once**, everywhere it is used, and can’t be brought back.',
      'Rotate only if you think the key got out. Then copy the new token straight away and use **Replace key** on Wixdrop’s Keys screen.',
    ],
  },
  {
    id: 'safe-edit',
    title: 'Change a key’s permissions',
    paragraphs: [
      '**Edit** changes a key’s name and permissions. The token itself stays the same, so there is nothing to replace in Wixdrop.',
      'Use it to add **Manage Media Manager**, **Read Media Manager** or **Read Site Data** when Wix refuses an upload or Wixdrop can’t list your sites, or to remove anything Wixdrop doesn’t use.',
    ],
  },
  {
    id: 'safe-delete',
    title: 'Delete a key you no longer use',
    tone: 'warn',
    paragraphs: [
      '**Delete** is final: the key stops working immediately and can’t be recovered. Remove it from Wixdrop as well, so uploads don’t fail with it later.',
    ],
  },
  {
    id: 'safe-keychain',
    title: 'How Wixdrop looks after your key',
    paragraphs: [
      'Wixdrop keeps keys in your operating system’s keychain (Keychain on macOS, Credential Manager on Windows, the Secret Service keyring on Linux), which is locked with your login.',
      'It never writes a key to disk in plain text, never shows a saved key again in full, and sends it only to Wix. To use a different key, use **Replace key** rather than pasting the old one somewhere else.',
    ],
  },
]
