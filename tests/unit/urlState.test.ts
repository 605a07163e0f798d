import { describe, expect, it } from 'vitest';
import { readUrlSettings, settingsToHash } from '../../src/state/urlState';
import { DEFAULT_RAW_SETTINGS } from '../../src/model/validate';

const SHAPE = [28, 28, 1] as const;

describe('settings in the link', () => {
  it('round-trips every changed setting, and writes nothing for the defaults', () => {
    const raw = { ...DEFAULT_RAW_SETTINGS, latentDim: '8', learningRate: '0.01', seed: '42', hiddenSizes: '64, 16' };
    const hash = settingsToHash(raw, DEFAULT_RAW_SETTINGS);
    expect(hash).toContain('latent=8');
    expect(hash).not.toContain('epochs=');
    const back = readUrlSettings(hash, DEFAULT_RAW_SETTINGS, SHAPE);
    expect(back.raw).toEqual(raw);
    expect(back.problems).toEqual([]);
    expect(settingsToHash(DEFAULT_RAW_SETTINGS, DEFAULT_RAW_SETTINGS)).toBe('');
  });

  it('replaces each bad value by its default and says why, keeping the good ones', () => {
    const result = readUrlSettings('#latent=0&lr=abc&epochs=5', DEFAULT_RAW_SETTINGS, SHAPE);
    expect(result.raw.latentDim).toBe(DEFAULT_RAW_SETTINGS.latentDim);
    expect(result.raw.learningRate).toBe(DEFAULT_RAW_SETTINGS.learningRate);
    expect(result.raw.epochs).toBe('5');
    expect(result.problems.some((p) => p.includes('latent="0"') && p.includes('Latent size'))).toBe(true);
    expect(result.problems.some((p) => p.includes('lr="abc"'))).toBe(true);
  });

  it('reads a known backend and projection, and reports unknown keys and values', () => {
    const good = readUrlSettings('#backend=webgl&projection=umap', DEFAULT_RAW_SETTINGS, SHAPE);
    expect(good.backend).toBe('webgl');
    expect(good.projection).toBe('umap');
    const bad = readUrlSettings('#backend=quantum&projection=tsne&colour=red', DEFAULT_RAW_SETTINGS, SHAPE);
    expect(bad.backend).toBeNull();
    expect(bad.projection).toBeNull();
    expect(bad.problems).toHaveLength(3);
  });

  it('accepts threads=N for the training worker, and reports a value that is not a small whole number', () => {
    expect(readUrlSettings('#threads=1', DEFAULT_RAW_SETTINGS, SHAPE).problems).toEqual([]);
    expect(readUrlSettings('#threads=0', DEFAULT_RAW_SETTINGS, SHAPE).problems).toEqual([expect.stringMatching(/threads=.*0.* is not a whole number from 1 to 99/)]);
    expect(readUrlSettings('#threads=two', DEFAULT_RAW_SETTINGS, SHAPE).problems).toHaveLength(1);
  });

  it('reads offline=now, and reports any other offline value while the page stores itself as usual', () => {
    expect(readUrlSettings('#offline=now', DEFAULT_RAW_SETTINGS, SHAPE)).toMatchObject({ offlineNow: true, problems: [] });
    expect(readUrlSettings('#epochs=5', DEFAULT_RAW_SETTINGS, SHAPE).offlineNow).toBe(false);
    const bad = readUrlSettings('#offline=yes', DEFAULT_RAW_SETTINGS, SHAPE);
    expect(bad.offlineNow).toBe(false);
    expect(bad.problems).toEqual([expect.stringMatching(/offline=.*yes.* is unknown \(use offline=now\)/)]);
  });
});
