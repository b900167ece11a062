// A key pasted somewhere else (the guide's last step) on its way to the Keys screen's add form.
// The Keys screen reads `text` when it opens with the `add` anchor and then clears it, so the
// key never lingers in memory longer than the hand-over.
export const pendingKey = $state({ text: '' })
