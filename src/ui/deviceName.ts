// A GPU's name as the browser gives it, shortened for the Backend line: ANGLE wraps the renderer in
// "ANGLE (vendor, device (0x1234) api, driver)", and a projector cannot show all of it.

/** The longest name shown; the whole name stays in the line's tooltip. */
const MAX_SHOWN = 48;

/** The device part of an ANGLE renderer string, without PCI ids; other names trimmed; capped at MAX_SHOWN. */
export function shortDeviceName(name: string): string {
  const withoutIds = name.replace(/\s*\(0x[0-9a-f]+\)/gi, '');
  const angle = /^ANGLE \((.*)\)$/.exec(withoutIds.trim());
  const device = angle ? (topLevelParts(angle[1])[1] ?? angle[1]) : withoutIds;
  const tidy = device.replace(/\s+/g, ' ').trim();
  return tidy.length > MAX_SHOWN ? `${tidy.slice(0, MAX_SHOWN - 1).trimEnd()}…` : tidy;
}

/** Splits "a, b (c, d), e" at the commas outside parentheses. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
