// Where a long text folds behind "show more": after a number of lines or characters, whichever
// comes first. A char cut prefers a nearby line end so the head does not stop mid-line needlessly.

export interface FoldLimits {
  maxChars: number;
  maxLines: number;
}

export const MESSAGE_FOLD: FoldLimits = { maxChars: 1200, maxLines: 18 };
/** Attribute values sit in a narrow column, where a whole message list would fill the panel. */
export const ATTRIBUTE_FOLD: FoldLimits = { maxChars: 300, maxLines: 8 };

/** Length of the head to show folded; null when the whole text is shown. */
export function foldPoint(text: string, { maxChars, maxLines }: FoldLimits): number | null {
  let cut = Math.min(text.length, maxChars);
  let lines = 1;
  for (let i = 0; i < cut; i++) {
    if (text.charCodeAt(i) === 10 && ++lines > maxLines) {
      cut = i;
      break;
    }
  }
  if (cut === maxChars && cut < text.length) {
    const nl = text.lastIndexOf('\n', maxChars);
    if (nl > maxChars * 0.8) cut = nl;
  }
  if (cut >= text.length) return null;
  // Hiding a sliver (one short line) would make the reader click for almost nothing.
  const rest = text.slice(cut);
  return rest.length < 40 && rest.indexOf('\n', 1) === -1 ? null : cut;
}
