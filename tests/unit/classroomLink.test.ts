import { describe, expect, it } from 'vitest';
import { readUrlSettings, settingsToHash } from '../../src/state/urlState';
import { DEFAULT_RAW_SETTINGS } from '../../src/model/validate';
import { LESSON_STEPS } from '../../src/lesson/steps';

const SHAPE = [28, 28, 1] as const;

describe('classroom links', () => {
  it('round-trips dataset, colouring, palette, presenter mode, lesson step and hidden panels with every setting', () => {
    const raw = { ...DEFAULT_RAW_SETTINGS, kind: 'sparse', seed: '7' };
    const view = {
      data: 'emoji' as const,
      colour: { mode: 'dimension' as const, dimension: 1, factor: '' },
      palette: 'colour-blind' as const,
      presenter: true,
      lesson: 4,
      hide: ['settings' as const, 'data' as const],
    };
    const hash = settingsToHash(raw, DEFAULT_RAW_SETTINGS, { fields: ['kind', 'seed', 'latentDim', 'epochs'], projection: 'pca', view });
    expect(hash).toContain(`epochs=${DEFAULT_RAW_SETTINGS.epochs}`); // a listed field is written even at its default
    expect(hash).toContain('lesson=5');
    expect(hash).toContain('hide=settings%2Cdata');
    const back = readUrlSettings(hash, DEFAULT_RAW_SETTINGS, SHAPE);
    expect(back.problems).toEqual([]);
    expect(back.raw.kind).toBe('sparse');
    expect(back.raw.seed).toBe('7');
    expect(back.projection).toBe('pca');
    expect(back.view).toEqual(view);
  });

  it('refuses bad view values with a sentence each and keeps the good ones', () => {
    const back = readUrlSettings(`#data=cifar&lesson=0&presenter=yes&hide=settings,bogus&colour=z0&palette=pastel&kind=sparse&lesson=${LESSON_STEPS.length + 1}`, DEFAULT_RAW_SETTINGS, SHAPE);
    expect(back.raw.kind).toBe('sparse');
    expect(back.view).toEqual({});
    for (const word of ['data "cifar"', 'lesson "0"', 'presenter "yes"', '"bogus"', 'colour "z0"', 'palette "pastel"', `lesson "${LESSON_STEPS.length + 1}"`]) {
      expect(back.problems.some((problem) => problem.includes(word)), word).toBe(true);
    }
  });

  it('every lesson step has a title, two or three sentences, and settings the form accepts', () => {
    for (const step of LESSON_STEPS) {
      expect(step.title.length).toBeGreaterThan(3);
      const sentences = step.text.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length, step.id).toBeGreaterThanOrEqual(2);
      expect(sentences.length, step.id).toBeLessThanOrEqual(3);
      const hash = settingsToHash({ ...DEFAULT_RAW_SETTINGS, ...step.setup.settings }, DEFAULT_RAW_SETTINGS);
      expect(readUrlSettings(hash, DEFAULT_RAW_SETTINGS, SHAPE).problems, step.id).toEqual([]);
    }
  });
});
