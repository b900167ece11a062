// Links dragged from a browser onto the window: imported into the site (Wix fetches them).
// On the Upload screen they go to its site and folder and show in its queue; on the Library
// screen to the folder shown; elsewhere to the Upload screen's site (top level), and the
// Library screen then shows the import jobs with their stages.
import { asIpcError, ipc } from '../ipc'
import { library, ROOT } from './library.svelte'
import { router } from './router.svelte'
import { uploads } from './uploads.svelte'
import { imports } from './imports.svelte'

export async function dropUrls(urls: string[]): Promise<void> {
  if (uploads.uploadScreen) return imports.intoTarget(urls.join('\n'))
  const onLibrary = router.route.screen === 'library' && library.ready
  const profile = onLibrary ? library.profile : library.profile || uploads.target.profile
  const siteId = onLibrary ? library.siteId : library.siteId || uploads.target.siteId
  if (!profile || !siteId) {
    uploads.error = 'Choose a site first: the links were not imported.'
    return
  }
  const folder = onLibrary && !library.trash && library.folderId !== ROOT ? library.folderId : null
  try {
    const { ids } = await ipc.libraryImport(profile, siteId, urls.join('\n'), folder, false)
    if (!library.ready) library.setTarget(profile, siteId)
    library.jobsTick++
    library.notice = { text: `Importing ${ids.length} link${ids.length === 1 ? '' : 's'}: Wix fetches them (see Imports and copies).`, jobs: true }
  } catch (e) {
    library.notice = { text: asIpcError(e).message, bad: true }
  }
  if (router.route.screen !== 'library') router.go('library')
}
