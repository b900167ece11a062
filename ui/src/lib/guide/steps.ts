// "Get an API key", step by step. Facts from shared/wix-api.md §1.1 and §9: keys are made by
// the account owner or a co-owner on the account's API Keys page, with a set of permissions and
// a choice of sites, confirmed by a 6-digit emailed code, and the token is shown once.
import type { Step } from './types'

export const API_KEYS_URL = 'https://manage.wix.com/account/api-keys'

export const KEY_STEPS: Step[] = [
  {
    id: 'get-api-key-open',
    title: 'Open the API Keys page',
    label: 'Open page',
    intro:
      'API keys belong to your Wix **account**, not to a single site, so you make them in the account settings rather than in a site’s dashboard. Only the account **owner** or a **co-owner** can create one.',
    instructions: [
      { spot: 1, text: 'Sign in to Wix in your browser and open the **account menu**: your profile picture at the top right.' },
      { spot: 2, text: 'Go to the account settings and choose **API Keys**.' },
      { text: 'Or skip the menus: the button below opens the API Keys page in your browser.' },
    ],
    notes: [
      {
        tone: 'info',
        text: 'Helping with someone else’s site? Then the owner of that site’s account has to make the key. See [I can’t find API Keys](#trouble-no-api-keys).',
      },
    ],
    illustration: {
      id: 'account-menu',
      alt: 'Drawing of a Wix account page. Marker 1: the profile picture at the top right, which opens the account menu. Marker 2: the API Keys entry in the account settings.',
      caption: 'The account menu leads to the account settings, where API Keys lives.',
    },
    openKeysPage: true,
  },
  {
    id: 'get-api-key-generate',
    title: 'Start a new key',
    label: 'New key',
    intro:
      'The page lists the account’s existing keys. Leave keys made for other tools alone and make one just for Wixdrop: then you can change or remove it later without breaking anything else.',
    instructions: [{ spot: 1, text: 'Click **Generate API Key**.' }],
    notes: [
      {
        tone: 'info',
        text: 'This page also shows your **account ID**. You don’t need to copy it: Wixdrop reads it from the key.',
      },
    ],
    illustration: {
      id: 'keys-page-generate',
      alt: 'Drawing of the API Keys page: the account ID box, a list of existing keys, and marker 1 on the Generate API Key button at the top right.',
      caption: 'The API Keys page with its Generate API Key button.',
    },
    openKeysPage: true,
  },
  {
    id: 'get-api-key-permissions',
    title: 'Name it and choose its permissions',
    label: 'Permissions',
    intro:
      'A key can do everything its permissions allow, so give it only what Wixdrop uses. A smaller key is a smaller risk if it ever leaks.',
    instructions: [
      { spot: 1, text: 'Under **Key details**, type a name you will recognise later, such as `Wixdrop – studio laptop`.' },
      { spot: 2, text: 'Under **Permissions**, tick **Manage Media Manager**, so Wixdrop can upload files and create folders.' },
      { spot: 3, text: 'Tick **Read Media Manager** next to it, so Wixdrop can see your folders, follow each upload until Wix has processed it, and spot files you already uploaded.' },
      { spot: 4, text: 'Tick **Read Site Data** as well, so Wixdrop can list your sites and you can pick one instead of copying IDs.' },
    ],
    notes: [
      {
        tone: 'warn',
        text: 'Leave **All permissions** unticked. Wixdrop never needs it, and it would let anyone holding the key reach all of the account’s data.',
      },
      {
        tone: 'info',
        text: 'Wix may show one basic permission that is already ticked and can’t be unticked. That’s expected: leave it.',
      },
    ],
    illustration: {
      id: 'key-form-permissions',
      alt: 'Drawing of the new-key form. Marker 1: the key name field. Marker 2: the Manage Media Manager permission, ticked. Marker 3: the Read Media Manager permission, ticked. Marker 4: the Read Site Data permission, ticked. All permissions stays unticked.',
      caption: 'Three permissions are enough: Manage Media Manager, Read Media Manager and Read Site Data.',
    },
  },
  {
    id: 'get-api-key-sites',
    title: 'Choose which sites it can reach',
    label: 'Sites',
    intro: 'A key can work with every site in the account, or only with the sites you pick.',
    instructions: [
      { spot: 1, text: 'Choose **all sites** if you upload to several of them, or **selected sites** and tick just the ones Wixdrop should upload to.' },
      { spot: 2, text: 'Click **Generate Key**.' },
    ],
    notes: [
      {
        tone: 'info',
        text: 'With a key limited to selected sites, Wixdrop may not be able to list the sites by itself. You can then paste a site’s dashboard address instead: see [Account and site IDs](#find-ids).',
      },
    ],
    illustration: {
      id: 'key-form-sites',
      alt: 'Drawing of the site access part of the new-key form. Marker 1: the choice between all sites and selected sites, with two sites ticked. Marker 2: the Generate Key button.',
      caption: 'Pick the sites, then generate the key.',
    },
  },
  {
    id: 'get-api-key-verify',
    title: 'Confirm with the emailed code',
    label: 'Verify',
    intro: 'Before it creates the key, Wix checks that it’s really you.',
    instructions: [
      { spot: 1, text: 'Click **Send Code**. Wix emails a **6-digit code** to the address of the Wix account.' },
      { spot: 2, text: 'Type the code from the email into the boxes.' },
      { spot: 3, text: 'Click **Verify & Generate Key**.' },
    ],
    notes: [
      {
        tone: 'info',
        text: 'No email after a few minutes? See [The verification code never arrives](#trouble-no-code).',
      },
    ],
    illustration: {
      id: 'verify-code',
      alt: 'Drawing of the Verify your account pop-up. Marker 1: the Send Code button. Marker 2: six boxes for the emailed code. Marker 3: the Verify and Generate Key button.',
      caption: 'Send the code, type it in, confirm.',
    },
  },
  {
    id: 'get-api-key-copy',
    title: 'Copy the key — Wix shows it only once',
    label: 'Copy',
    intro:
      'The new key appears in a pop-up: one long line of text beginning with `IST.`, which is exactly the kind of key Wixdrop needs.',
    instructions: [
      { spot: 1, text: 'Click **Copy Token & Close**, or select the whole token and copy it.' },
      { text: 'Go straight to the next step and paste it into Wixdrop.' },
    ],
    notes: [
      {
        tone: 'warn',
        text: 'After the pop-up closes, Wix never shows this token again. If you lose it before saving it in Wixdrop, no harm done: delete that key and make a new one.',
      },
      { tone: 'ok', text: 'A key that starts with `IST.` is right. Don’t change any part of it.' },
    ],
    illustration: {
      id: 'copy-token',
      alt: 'Drawing of the pop-up showing the new key, which starts with IST. followed by hidden characters, a notice that it is shown only once, and marker 1 on the Copy Token and Close button.',
      caption: 'The token starts with IST. and is shown once.',
    },
  },
  {
    id: 'get-api-key-paste',
    title: 'Paste it into Wixdrop',
    label: 'Paste',
    intro:
      'Paste the key below. Wixdrop checks it on this computer as you paste (nothing is sent yet), and the badge says what it is.',
    instructions: [
      { text: 'Paste with **Ctrl+V** (**⌘V** on a Mac).' },
      { text: 'Check the badge: **Wix API key** and **Right kind of credential** mean the whole key arrived.' },
      { text: 'Click **Save and verify this key**. Wixdrop puts it in your system’s keychain and asks Wix whether it works.' },
    ],
    paste: true,
  },
]
