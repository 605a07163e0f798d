// Limits for what a link may carry, since anyone can edit one by hand: a link too long is cut
// before it is parsed, a value is quoted short and printable in a notice, and a link full of bad
// values yields a few sentences, not thousands. Notices are text: link text never becomes HTML.

/** Longest link hash read; a real link of every setting and view is a few hundred characters. */
export const MAX_LINK_CHARS = 4000;
/** Problems listed one by one; the rest are counted in one closing sentence. */
export const MAX_LINK_PROBLEMS = 8;
/** Longest piece of link text quoted in a notice. */
const MAX_QUOTED_CHARS = 40;
/** Longest single problem sentence. */
const MAX_PROBLEM_CHARS = 300;

/** The hash cut to MAX_LINK_CHARS (at a key boundary where there is one), and a sentence if it was cut. */
export function trimLinkHash(hash: string): { hash: string; problem: string | null } {
  if (hash.length <= MAX_LINK_CHARS) return { hash, problem: null };
  const cut = hash.slice(0, MAX_LINK_CHARS);
  const lastKey = cut.lastIndexOf('&');
  return {
    hash: lastKey > 0 ? cut.slice(0, lastKey) : cut,
    problem: `The link is ${hash.length.toLocaleString('en')} characters long; only its first ${MAX_LINK_CHARS.toLocaleString('en')} were read.`,
  };
}

/** Link text as a short, printable quotation: control characters shown as \u escapes, long text cut with an ellipsis. */
export function quoteLinkText(text: string): string {
  const short = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
  return `"${printable(short)}"`;
}

/** Control characters (and line separators) written as \u escapes, so a notice shows them instead of obeying them. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced here.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most MAX_LINK_PROBLEMS sentences, each of bounded length, the rest counted. */
export function limitLinkProblems(problems: readonly string[]): string[] {
  const shown = problems
    .slice(0, MAX_LINK_PROBLEMS)
    .map((problem) => printable(problem))
    .map((problem) => (problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, MAX_PROBLEM_CHARS)}…` : problem));
  const more = problems.length - shown.length;
  if (more > 0) shown.push(`${more.toLocaleString('en')} more ${more === 1 ? 'value' : 'values'} in the link were ignored too.`);
  return shown;
}
