// What kind of file a Wix `mediaType` is, for the icons of the queue, History and Library.

/** The icon for a Wix `mediaType` (IMAGE, VECTOR, VIDEO, AUDIO, DOCUMENT, ARCHIVE…): a picture,
 *  video or audio; anything else, or unknown, is a file. */
export function kindIcon(mediaType: string | null | undefined): 'image' | 'video' | 'audio' | 'file' {
  switch (mediaType) {
    case 'IMAGE':
    case 'VECTOR':
      return 'image'
    case 'VIDEO':
      return 'video'
    case 'AUDIO':
      return 'audio'
    default:
      return 'file'
  }
}
