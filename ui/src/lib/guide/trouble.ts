// Troubleshooting. Each item's id is a stable anchor that diagnoses elsewhere link to with
// guideHref(): keep them exactly as they are. Facts from shared/wix-api.md §1.1, §1.2, §1.4, §2.
import type { TroubleGroup } from './types'

export const TROUBLE_GROUPS: TroubleGroup[] = [
  {
    title: 'Making a key',
    items: [
      {
        id: 'trouble-no-api-keys',
        short: 'Can’t find API Keys',
        title: 'I can’t find API Keys',
        answer: 'API keys live in the settings of your Wix account, and only its owner or co-owners can make them.',
        points: [
          '**Account, not site.** A site’s dashboard settings don’t have API keys. Open the account menu (your profile picture) and go to the account settings, or use the button below.',
          '**Your role.** Only the account **owner** and **co-owners** can create keys. If you were invited to help with a site, ask the owner to make the key, with the permissions from [this guide](#get-api-key-permissions).',
          '**The right account.** If you have more than one Wix account, check which one you are signed in to: the key must come from the account that owns the site.',
          '**Your plan.** If the owner still can’t see API Keys, ask Wix support whether the account’s plan includes them.',
        ],
        openKeysPage: true,
      },
      {
        id: 'trouble-no-code',
        short: 'No verification code',
        title: 'The verification code never arrives',
        answer: 'The 6-digit code goes to the email address of the Wix account, which may not be the address you expect.',
        points: [
          'Give it a few minutes, then look in spam, junk and promotions folders.',
          'Check which address the Wix account uses (in the account settings) and look in that inbox.',
          'Click **Send Code** again for a fresh code, and type the newest one.',
          'If nothing ever arrives, contact Wix support: the code comes from your account’s settings, not from Wixdrop.',
        ],
      },
    ],
  },
  {
    title: 'Wix refuses the key',
    items: [
      {
        id: 'trouble-401',
        short: '401: key not recognised',
        title: 'Wix doesn’t recognise the key (401)',
        answer: 'Wix could not match the key to anything: it is incomplete, or it no longer exists.',
        points: [
          '**Cut off while copying.** Paste it again and check that the badge says **Wix API key** without “Incomplete”.',
          '**Rotated or deleted.** Rotating a key ends its old token at once, and deleting ends the key. Make a new key (or copy the rotated token) and use **Replace key** on the Keys screen.',
          '**Not a key at all.** A token or an ID was pasted instead: see [Which credential is which](#which-credential).',
        ],
        see: [{ anchor: 'get-api-key', label: 'Make a new key' }],
      },
      {
        id: 'trouble-403',
        short: '403: request refused',
        title: 'Wix knows the key but refuses the request (403)',
        answer: 'The key is valid, but it may not do this, or not on this account or site. There are three usual causes:',
        points: [
          'The key lacks a permission: [missing permission](#trouble-403-permission).',
          'The account ID or site ID sent with it is wrong or missing: [wrong or missing ID](#trouble-403-ids).',
          'The site belongs to a different Wix account: [site owned by another account](#trouble-403-other-account).',
        ],
      },
      {
        id: 'trouble-403-permission',
        short: '403: missing permission',
        title: 'The key is missing a permission',
        answer: 'Uploading needs **Manage Media Manager** to send files and **Read Media Manager** to follow them until Wix has processed them and to list folders; listing your sites needs **Read Site Data**.',
        points: [
          'Open the API Keys page and choose **Edit** in the key’s **⋯** menu.',
          'Tick **Manage Media Manager** and **Read Media Manager**, and **Read Site Data** if Wixdrop couldn’t list your sites.',
          'Click **Save & Close**, confirm with the emailed code, then try again in Wixdrop. The token stays the same, so there is nothing to paste.',
        ],
        see: [{ anchor: 'safe-edit', label: 'Change a key’s permissions' }],
        openKeysPage: true,
      },
      {
        id: 'trouble-403-ids',
        short: '403: wrong or missing ID',
        title: 'Wrong or missing account or site ID',
        answer: 'Every request carries the key plus an account ID (to list sites) or a site ID (to upload). If that ID doesn’t match, Wix says no.',
        points: [
          '**Account ID.** Wixdrop fills it in from the key. If it was changed by hand, compare it with the **Account ID** on the API Keys page.',
          '**Site ID.** Choose the site again from the list on the Keys screen, or paste the site’s dashboard address so Wixdrop reads the ID from it.',
          '**Selected sites only.** If the key may reach only selected sites, this site has to be one of them. Otherwise make a key that includes it.',
        ],
        see: [{ anchor: 'find-ids', label: 'Where Wix shows the IDs' }],
      },
      {
        id: 'trouble-403-other-account',
        short: '403: another account’s site',
        title: 'The site belongs to another account',
        answer: 'A key only works for sites owned by the account that made it.',
        points: [
          'Being a collaborator on a site isn’t enough: a key from your own account can’t reach a site that another account owns.',
          'Ask the owner of that site’s account to make a key (this guide shows how) and share it with you safely, or add it to Wixdrop on their computer.',
          'Have several accounts? Make the key while signed in to the account that owns the site.',
        ],
      },
    ],
  },
  {
    title: 'Pasted something unexpected',
    items: [
      {
        id: 'trouble-ist-prefix',
        short: 'Key starts with IST.',
        title: 'My key starts with IST. — is that wrong?',
        answer: '**No. That is the right kind of key.** Every key made on the API Keys page begins with `IST.`, just like yours.',
        points: [
          'Use it exactly as copied. Don’t remove or change its beginning: an edited key is no longer valid.',
          'If Wix still refuses it, the cause is elsewhere: see [401](#trouble-401) or [403](#trouble-403).',
        ],
        see: [{ anchor: 'which-credential', label: 'Which credential is which' }],
      },
      {
        id: 'trouble-oauth-expired',
        short: 'Expired OAuth token',
        title: 'I pasted an OAuth token and it expired',
        answer: 'Text that starts with `OauthNG.JWS.` is an access token a Wix app received. It lasts 4 hours and Wixdrop can’t renew it.',
        points: [
          'Tokens like this come from app tools and developer consoles, not from the API Keys page.',
          'Make a real API key instead; it has no expiry date. [Get an API key](#get-api-key).',
        ],
      },
    ],
  },
  {
    title: 'Wix itself',
    items: [
      {
        id: 'trouble-5xx',
        short: '5xx: Wix down or busy',
        title: 'Wix is down or busy (5xx or 429)',
        answer: 'Wix had a problem on its side, or asked Wixdrop to slow down. Your key is fine.',
        points: [
          'Wixdrop retries by itself, waiting a little longer each time, and large uploads pick up where they stopped.',
          'If it keeps failing, try again later. Uploads that didn’t finish stay in the queue.',
          'Lots of files at once? Fewer parallel uploads in Settings puts less load on Wix.',
        ],
      },
    ],
  },
  {
    title: 'Your network',
    items: [
      {
        id: 'trouble-network',
        short: 'Network, proxy or certificate',
        title: 'Wix can’t be reached: network, proxy or certificate',
        answer:
          'Wixdrop got no answer from Wix at all, so Wix said nothing: the message names what stopped it on the way. Your key is fine.',
        points: [
          '**Certificate not trusted.** A company proxy or antivirus may be inspecting encrypted traffic with its own certificate. Ask IT to install its root certificate in this computer’s trust store (Keychain on a Mac, the certificate store on Windows); on Linux, setting SSL_CERT_FILE to a file holding it also works. Wixdrop trusts what the system trusts.',
          '**Proxy wants a password (407).** Put the user name and password in the proxy address (HTTPS_PROXY=http://user:password@proxy:port), or ask IT to let www.wixapis.com through.',
          '**Name not found, refused, timed out.** Check that the computer is online, connect the VPN if your company uses one, and try again. A firewall may be blocking Wixdrop.',
        ],
      },
    ],
  },
]

export const TROUBLE_ITEMS = TROUBLE_GROUPS.flatMap((g) => g.items)
