import { describe, expect, it } from 'vitest';
import { readUrlSettings, settingsToHash } from '../../src/state/urlState';
import { DEFAULT_RAW_SETTINGS } from '../../src/model/validate';
import { linkZoom } from '../../src/ui/classroom/classroomLink';

const SHAPE = [28, 28, 1] as const;

describe("the map's zoom in a link", () => {
  it('carries the scale and the pan as a share of the map, so a map of another size shows the same part', () => {
    const zoom = linkZoom({ k: 2.5, x: -300, y: -150, width: 600, height: 500 });
    expect(zoom).toEqual({ k: 2.5, x: -0.5, y: -0.3 });
    const hash = settingsToHash(DEFAULT_RAW_SETTINGS, DEFAULT_RAW_SETTINGS, { view: { zoom: zoom! } });
    expect(hash).toContain('zoom=2.5%2C-0.5%2C-0.3');
    const back = readUrlSettings(hash, DEFAULT_RAW_SETTINGS, SHAPE);
    expect(back.problems).toEqual([]);
    expect(back.view.zoom).toEqual({ k: 2.5, x: -0.5, y: -0.3 });
  });

  it('is left out when the map is not zoomed, or its size is unknown', () => {
    expect(linkZoom(null)).toBeNull();
    expect(linkZoom({ k: 1, x: 0, y: 0, width: 600, height: 600 })).toBeNull();
    expect(linkZoom({ k: 2, x: 10, y: 10 })).toBeNull();
  });

  it('refuses a zoom that is not three numbers, out of range, or panned out of sight, with a sentence', () => {
    for (const [text, words] of [
      ['2,0', 'must be three numbers'],
      ['2,a,0', 'must be three numbers'],
      ['1e3,0,0', 'must be three numbers'],
      ['100,0,0', 'outside 0.5 to 64'],
      ['0.1,0,0', 'outside 0.5 to 64'],
      ['2,-9,0', 'out of sight'],
    ]) {
      const back = readUrlSettings(`#zoom=${encodeURIComponent(text)}`, DEFAULT_RAW_SETTINGS, SHAPE);
      expect(back.view.zoom, text).toBeUndefined();
      expect(back.problems.some((problem) => problem.includes(words)), `${text}: ${back.problems.join(' ')}`).toBe(true);
    }
  });
});
