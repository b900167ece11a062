; Wixdrop's NSIS installer hooks (tauri.conf.json → bundle.windows.nsis.installerHooks).
;
; Wixdrop is offered under "Open with" for the media Wix takes, and as "Send to → Wixdrop", but
; never made the default app for a type: the extensions get an OpenWithProgids entry pointing at
; our ProgID (the documented way to join the "Open with" list), not a new default handler.
; Explorer passes every selected file as an argument; a running Wixdrop takes them over
; (single instance) and queues them. Per-user keys (HKCU), as Tauri's default per-user install.

!macro WIXDROP_EXTS _MACRO
  !insertmacro ${_MACRO} "jpg"
  !insertmacro ${_MACRO} "jpeg"
  !insertmacro ${_MACRO} "png"
  !insertmacro ${_MACRO} "gif"
  !insertmacro ${_MACRO} "webp"
  !insertmacro ${_MACRO} "bmp"
  !insertmacro ${_MACRO} "tif"
  !insertmacro ${_MACRO} "tiff"
  !insertmacro ${_MACRO} "heic"
  !insertmacro ${_MACRO} "svg"
  !insertmacro ${_MACRO} "ico"
  !insertmacro ${_MACRO} "mp4"
  !insertmacro ${_MACRO} "mov"
  !insertmacro ${_MACRO} "avi"
  !insertmacro ${_MACRO} "mkv"
  !insertmacro ${_MACRO} "webm"
  !insertmacro ${_MACRO} "mpg"
  !insertmacro ${_MACRO} "wmv"
  !insertmacro ${_MACRO} "m4v"
  !insertmacro ${_MACRO} "mp3"
  !insertmacro ${_MACRO} "m4a"
  !insertmacro ${_MACRO} "aac"
  !insertmacro ${_MACRO} "wav"
  !insertmacro ${_MACRO} "ogg"
  !insertmacro ${_MACRO} "flac"
  !insertmacro ${_MACRO} "aiff"
  !insertmacro ${_MACRO} "wma"
  !insertmacro ${_MACRO} "pdf"
  !insertmacro ${_MACRO} "doc"
  !insertmacro ${_MACRO} "docx"
  !insertmacro ${_MACRO} "xls"
  !insertmacro ${_MACRO} "xlsx"
  !insertmacro ${_MACRO} "ppt"
  !insertmacro ${_MACRO} "pptx"
  !insertmacro ${_MACRO} "odt"
  !insertmacro ${_MACRO} "txt"
  !insertmacro ${_MACRO} "csv"
  !insertmacro ${_MACRO} "zip"
!macroend

!macro WIXDROP_OPEN_WITH_ADD EXT
  WriteRegStr HKCU "Software\Classes\.${EXT}\OpenWithProgids" "Wixdrop.Media" ""
!macroend

!macro WIXDROP_OPEN_WITH_REMOVE EXT
  DeleteRegValue HKCU "Software\Classes\.${EXT}\OpenWithProgids" "Wixdrop.Media"
!macroend

!macro NSIS_HOOK_POSTINSTALL
  ; The ProgID: its name in "Open with", its icon, and the command with the file.
  WriteRegStr HKCU "Software\Classes\Wixdrop.Media" "" "Upload to Wix with Wixdrop"
  WriteRegStr HKCU "Software\Classes\Wixdrop.Media" "FriendlyTypeName" "Media for Wixdrop"
  WriteRegStr HKCU "Software\Classes\Wixdrop.Media\DefaultIcon" "" "$INSTDIR\${MAINBINARYNAME}.exe,0"
  WriteRegStr HKCU "Software\Classes\Wixdrop.Media\shell\open" "FriendlyAppName" "Wixdrop"
  WriteRegStr HKCU "Software\Classes\Wixdrop.Media\shell\open\command" "" '"$INSTDIR\${MAINBINARYNAME}.exe" "%1"'
  ; The app's own entry, so "Open with → Choose another app" lists Wixdrop for any file.
  WriteRegStr HKCU "Software\Classes\Applications\${MAINBINARYNAME}.exe" "FriendlyAppName" "Wixdrop"
  WriteRegStr HKCU "Software\Classes\Applications\${MAINBINARYNAME}.exe\shell\open\command" "" '"$INSTDIR\${MAINBINARYNAME}.exe" "%1"'
  !insertmacro WIXDROP_EXTS WIXDROP_OPEN_WITH_ADD
  ; Send to → Wixdrop (files and folders, several at once).
  CreateShortCut "$SENDTO\Wixdrop.lnk" "$INSTDIR\${MAINBINARYNAME}.exe" "" "$INSTDIR\${MAINBINARYNAME}.exe" 0
  ; Tell Explorer the associations changed.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  Delete "$SENDTO\Wixdrop.lnk"
  !insertmacro WIXDROP_EXTS WIXDROP_OPEN_WITH_REMOVE
  DeleteRegKey HKCU "Software\Classes\Wixdrop.Media"
  DeleteRegKey HKCU "Software\Classes\Applications\${MAINBINARYNAME}.exe"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend
