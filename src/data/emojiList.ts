// The emoji drawn for the generated emoji set, grouped as Unicode groups them (the groups are the
// class labels). Written as code points so the list reads the same in any editor and font; all are
// Unicode 11 or older, which every colour emoji font of the last years draws.

export interface EmojiGroup {
  /** The class name shown in the legend, after the Unicode emoji group. */
  name: string;
  /** Each emoji as a string, ready for fillText. */
  emoji: string[];
}

/**
 * Space-separated emoji, each written as its code points in hex joined by '-'
 * ("2708-FE0F" is the airplane with the emoji presentation selector).
 */
function fromCodePoints(list: string): string[] {
  return list
    .trim()
    .split(/\s+/)
    .map((sequence) => String.fromCodePoint(...sequence.split('-').map((hex) => Number.parseInt(hex, 16))));
}

/** A country flag from its ISO 3166 two-letter code: the pair of regional indicator symbols. */
function flag(isoCode: string): string {
  const regionalIndicatorA = 0x1f1e6;
  return String.fromCodePoint(...[...isoCode.toUpperCase()].map((letter) => regionalIndicatorA + letter.charCodeAt(0) - 65));
}

// Every group holds about the same number of emoji, so the classes are about equally large.
export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  {
    name: 'Smileys & emotion',
    emoji: fromCodePoints(`
      1F600 1F601 1F602 1F603 1F604 1F605 1F606 1F607 1F608 1F609 1F60A 1F60B 1F60C 1F60D 1F60E
      1F60F 1F610 1F612 1F613 1F614 1F616 1F618 1F61C 1F61D 1F61E 1F620 1F621 1F622 1F624 1F628
      1F62D 1F631 1F633 1F634 1F635 1F637 1F643 1F644 1F911 1F913 1F914 1F917 1F920 1F929 1F973
    `),
  },
  {
    name: 'People & body',
    emoji: fromCodePoints(`
      1F44A 1F44B 1F44C 1F44D 1F44E 1F44F 1F450 1F446 1F447 1F448 1F449 1F64C 1F64F 1F91D 1F91E
      1F918 1F919 270A 270B 270C-FE0F 1F4AA 1F440 1F442 1F443 1F444 1F9B5 1F9B6 1F466 1F467 1F468
      1F469 1F474 1F475 1F476 1F471 1F473 1F477 1F478 1F47C 1F481 1F482 1F483 1F645 1F64B 1F385
    `),
  },
  {
    name: 'Animals & nature',
    emoji: fromCodePoints(`
      1F405 1F40C 1F40D 1F40E 1F411 1F412 1F414 1F418 1F419 1F41B 1F41D 1F41E 1F420 1F421 1F422
      1F424 1F427 1F428 1F42C 1F42D 1F42E 1F42F 1F430 1F431 1F433 1F435 1F436 1F437 1F438 1F43B
      1F43C 1F98A 1F981 1F984 1F98B 1F33B 1F337 1F339 1F33A 1F335 1F334 1F332 1F341 1F344 1F340
    `),
  },
  {
    name: 'Food & drink',
    emoji: fromCodePoints(`
      1F345 1F346 1F347 1F348 1F349 1F34A 1F34B 1F34C 1F34D 1F34E 1F350 1F351 1F352 1F353 1F354
      1F355 1F356 1F357 1F35F 1F363 1F366 1F369 1F36A 1F36B 1F36C 1F36D 1F370 1F372 1F373 1F375
      1F377 1F378 1F379 1F37A 1F37C 1F950 1F951 1F955 1F956 1F95A 1F95D 1F965 1F966 1F968 1F96A
    `),
  },
  {
    name: 'Travel & places',
    emoji: fromCodePoints(`
      1F680 1F681 1F682 1F684 1F68C 1F68D 1F691 1F692 1F693 1F695 1F697 1F699 1F69A 1F69C 1F6A2
      1F6A4 1F6B2 1F6F5 2708-FE0F 26F5 1F3E0 1F3E1 1F3E2 1F3E5 1F3EB 1F3ED 1F3EF 1F3F0 1F5FB 1F5FC
      1F5FD 1F30B 26FA 26F2 1F3A0 1F3A1 1F3A2 1F30D 1F319 2600-FE0F 2B50 1F308 26C4 1F305 1F309
    `),
  },
  {
    name: 'Activities',
    emoji: fromCodePoints(`
      1F383 1F384 1F386 1F388 1F389 1F38A 1F38B 1F38D 1F38F 1F390 1F380 1F381 1F3AB 1F3C6 1F3C5
      1F947 26BD 26BE 1F3C0 1F3D0 1F3C8 1F3C9 1F3BE 1F3B3 1F3CF 1F3D2 1F3D3 1F3F8 1F94A 1F94B
      1F945 26F3 1F3A3 1F3BD 1F3BF 1F3AF 1F3B1 1F52E 1F3AE 1F3B0 1F3B2 1F0CF 1F3AD 1F3A8 1F9F8
    `),
  },
  {
    name: 'Objects',
    emoji: fromCodePoints(`
      1F4A1 1F4B0 1F4BB 1F4BC 1F4BF 1F4C1 1F4CB 1F4CC 1F4D5 1F4DA 1F4DD 1F4E6 1F4F1 1F4F7 1F4FA
      1F4FB 1F50B 1F50C 1F50D 1F511 1F512 1F514 1F528 1F527 1F489 1F48A 1F453 1F454 1F455 1F457
      1F45C 1F45F 1F460 1F462 1F451 1F452 1F484 1F48D 1F48E 1F4E2 1F4EE 1F3B8 1F3BA 1F3BB 1F52D
    `),
  },
  {
    name: 'Flags',
    emoji: [
      ...fromCodePoints('1F3C1 1F6A9 1F38C 1F3F4 1F3F3-FE0F'),
      ...'US GB FR DE IT ES JP CN KR BR CA MX IN RU AU SE NO FI DK NL BE CH AT PL PT IE GR TR ZA NG EG AR CL CO NZ UA IL SA VN KE'
        .split(' ')
        .map(flag),
    ],
  },
];
