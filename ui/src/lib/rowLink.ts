// "Get a temporary link" on a queue, import or History row: a private file's URL answers 403,
// so its row asks Wix for a download link (Generate File Download URL) that lasts a day.
import { ipc } from '../ipc'

/** How long a row's temporary link works: 24 hours (`expirationInMinutes`). */
export const ROW_LINK_MINUTES = 24 * 60

/** A temporary link to a file of a site, for a row; throws the IPC error with its message. */
export function rowLink(profile: string, siteId: string, fileId: string): Promise<string> {
  return ipc.libraryLink(profile, siteId, fileId, ROW_LINK_MINUTES)
}
